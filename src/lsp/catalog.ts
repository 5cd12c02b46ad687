// The names the language provides, with signatures and one-line docs, for hover and completion:
// builtins, initializers, optimizers and training settings, read from the compiler's own tables
// so that the editor never lists a name the compiler would reject.
import { BUILTINS, INITIALIZERS, type BuiltinParam } from "../graph/builtins.js";
import { TRAIN_SETTINGS } from "../graph/settings.js";
import { BUILTIN_OPTIMIZERS } from "../runtime/optimizers.js";

export interface Entry {
  readonly name: string;
  readonly signature: string;
  readonly doc: string;
  /** Argument names with their defaults (`ratio = 0.5`), for completion inside the call. */
  readonly args: readonly { readonly name: string; readonly default?: string }[];
}

function builtinArg(p: BuiltinParam): { name: string; default?: string } {
  const d = p.default;
  if (d === undefined) return { name: p.name };
  if (d.kind === "num") return { name: p.name, default: String(d.value) };
  if (d.kind === "bool") return { name: p.name, default: String(d.value) };
  // An optional argument without a value to show (`axis`: all axes).
  return { name: p.name, default: p.shownDefault ?? "…" };
}

const signature = (name: string, args: Entry["args"]) =>
  `${name}(${args.map((a) => (a.default === undefined ? a.name : `${a.name} = ${a.default}`)).join(", ")})`;

export const BUILTIN_ENTRIES: ReadonlyMap<string, Entry> = new Map(
  Object.entries(BUILTINS).map(([name, b]) => {
    const args = b.params.map(builtinArg);
    return [name, { name, signature: signature(name, args), doc: b.summary, args }];
  }),
);

const INIT_DOCS: Readonly<Record<string, string>> = {
  zeros: "all zeros",
  ones: "all ones",
  xavier: "normal with std √(1/fan_in) (Xavier/Glorot, for sigmoid and tanh)",
  he: "normal with std √(2/fan_in) (He, for ReLU)",
  normal: "normal with mean 0 and standard deviation std",
  uniform: "uniform in [low, high)",
  constant: "every element equal to value",
};

export const INITIALIZER_ENTRIES: ReadonlyMap<string, Entry> = new Map(
  Object.entries(INITIALIZERS).map(([name, init]) => {
    const args = init.params.map((p) => ({ name: p }));
    const sig = args.length === 0 ? name : signature(name, args);
    return [name, { name, signature: sig, doc: `initializer: ${INIT_DOCS[name] ?? name}`, args }];
  }),
);

export const OPTIMIZER_ENTRIES: ReadonlyMap<string, Entry> = new Map(
  Object.entries(BUILTIN_OPTIMIZERS).map(([name, def]) => {
    const args = Object.entries(def.hyper).map(([arg, spec]) => ({ name: arg, default: String(spec.default) }));
    return [name, { name, signature: signature(name, args), doc: `optimizer: ${def.summary}`, args }];
  }),
);

export const SETTING_ENTRIES: ReadonlyMap<string, Entry> = new Map(
  Object.entries(TRAIN_SETTINGS).map(([name, rule]) => {
    const doc = rule.kind === "spec" ? "the optimizer, e.g. sgd(lr = 0.1) or adam" : `training setting: ${rule.rule ?? "a number"}`;
    return [name, { name, signature: `${name} = …`, doc, args: [] }];
  }),
);

export const BATCH_DOC = "the batch dimension: the number of rows, bound when the model runs";
