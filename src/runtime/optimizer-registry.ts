// Optimizers by name: the built-in table (a const) plus users' own, added by an explicit
// registerOptimizer call (or --optimizer ./my-optimizer.js) that rejects a name already taken.
import { basename, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { didYouMean } from "../diagnostics.js";
import {
  BUILTIN_OPTIMIZERS,
  DEFAULT_CONTEXT,
  OptimizerError,
  resolveHyper,
  type HyperSpec,
  type Optimizer,
  type OptimizerContext,
  type OptimizerDef,
} from "./optimizers.js";

/** Makes an optimizer from its hyperparameters (already checked when `defaults` were registered). */
export type OptimizerFactory = (args: Readonly<Record<string, number>>, context: OptimizerContext) => Optimizer<unknown>;

export interface RegisterOptions {
  /**
   * The hyperparameters the optimizer takes, with their defaults. When given, other names are
   * rejected (with a did-you-mean), missing ones are filled in, and each must be a finite number.
   */
  readonly defaults?: Readonly<Record<string, number>>;
  /** Where it came from, for messages (a module's path). */
  readonly origin?: string;
}

interface UserEntry {
  readonly factory: OptimizerFactory;
  readonly options: RegisterOptions;
}

const BUILTINS: Readonly<Record<string, OptimizerDef>> = BUILTIN_OPTIMIZERS;
const userOptimizers = new Map<string, UserEntry>();

const NAME = /^[A-Za-z_][\w-]*$/;

/** Every optimizer name: the built-ins in order of increasing complexity, then users' own. */
export function optimizerNames(): string[] {
  return [...Object.keys(BUILTINS), ...userOptimizers.keys()];
}

export function registerOptimizer(name: string, factory: OptimizerFactory, options: RegisterOptions = {}): void {
  const from = options.origin !== undefined ? ` (from ${options.origin})` : "";
  if (!NAME.test(name))
    throw new OptimizerError(`optimizer name "${name}"${from} must start with a letter or _ and hold only letters, digits, _ and -`);
  if (typeof factory !== "function")
    throw new OptimizerError(
      `optimizer "${name}"${from}: the factory must be a function (args, context) => ({ init, update }), got ${typeof factory}`,
    );
  if (Object.hasOwn(BUILTINS, name)) throw new OptimizerError(`an optimizer named "${name}" is built in${from}; give yours another name`);
  const existing = userOptimizers.get(name);
  if (existing !== undefined) {
    const where = existing.options.origin !== undefined ? ` (from ${existing.options.origin})` : "";
    const fix = options.origin !== undefined ? `export another \`name\` from ${options.origin}` : "give this one another name";
    throw new OptimizerError(`an optimizer named "${name}" is already registered${where}; ${fix}`);
  }
  for (const [arg, v] of Object.entries(options.defaults ?? {})) {
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new OptimizerError(`optimizer "${name}"${from}: the default of ${arg} must be a finite number, got ${String(v)}`);
  }
  userOptimizers.set(name, { factory, options });
}

/** An optimizer by name, e.g. `createOptimizer("adam", { lr: 0.001 })`. */
export function createOptimizer(
  name: string,
  args: Readonly<Record<string, number>> = {},
  context: OptimizerContext = DEFAULT_CONTEXT,
): Optimizer<unknown> {
  const builtin = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
  if (builtin !== undefined) return builtin.make(resolveHyper(name, builtin.hyper, args, unknownArg(name, builtin.hyper)), context);
  const user = userOptimizers.get(name);
  if (user === undefined) {
    const guess = didYouMean(name, optimizerNames());
    const hint = guess !== undefined ? `did you mean "${guess}"? ` : "";
    throw new OptimizerError(
      `unknown optimizer "${name}"; ${hint}the optimizers are ${optimizerNames().join(", ")}, or load your own with --optimizer ./my-optimizer.js`,
    );
  }
  const defaults = user.options.defaults;
  let resolved: Record<string, number> = { ...args };
  if (defaults !== undefined) {
    const specs = Object.fromEntries(Object.entries(defaults).map(([k, v]): [string, HyperSpec] => [k, { default: v, range: "any" }]));
    resolved = resolveHyper(name, specs, args, unknownArg(name, specs));
  }
  for (const [k, v] of Object.entries(resolved)) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new OptimizerError(`${name}: ${k} must be a finite number, got ${String(v)}`);
  }
  const from = user.options.origin !== undefined ? ` (from ${user.options.origin})` : "";
  const made: unknown = userCode(name, from, "its factory", () => user.factory(resolved, context));
  const opt = made as Partial<Optimizer<unknown>> | null | undefined;
  if (typeof opt?.init !== "function" || typeof opt.update !== "function") {
    throw new OptimizerError(
      `optimizer "${name}"${from}: its factory must return an object with init(params) and update(params, grads, state, step) methods`,
    );
  }
  const { init, update } = opt as Optimizer<unknown>;
  // The user's code runs inside nnc's loop: what it throws is their optimizer's error, not nnc's.
  return {
    init: (params) => userCode(name, from, "init", () => init.call(opt, params)),
    update: (params, grads, state, step) =>
      userCode(name, from, `update at step ${step}`, () => update.call(opt, params, grads, state, step)),
  };
}

function userCode<T>(name: string, from: string, where: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof OptimizerError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new OptimizerError(`optimizer "${name}"${from} threw in ${where}: ${why}`);
  }
}

function unknownArg(optimizer: string, specs: Readonly<Record<string, unknown>>): (name: string) => never {
  return (arg) => {
    const names = Object.keys(specs);
    const guess = didYouMean(arg, names);
    const hint = guess !== undefined ? ` did you mean "${guess}"?` : "";
    const takes = names.length > 0 ? ` ${optimizer} takes ${names.join(", ")}.` : ` ${optimizer} takes no hyperparameters.`;
    throw new OptimizerError(`${optimizer} has no hyperparameter "${arg}";${hint}${takes}`);
  };
}

/**
 * Imports a user's ES module and registers the optimizer it exports; returns its name. The module
 * exports the factory as `default` or `factory`, and optionally `name` (default: the file's name)
 * and `defaults` (its hyperparameters with default values):
 *
 *   export const defaults = { lr: 0.01 };
 *   export default function ({ lr }) {
 *     return { init: (params) => ({}), update: (params, grads, state, step) => { ...; return state; } };
 *   }
 */
export async function loadOptimizerModule(path: string): Promise<string> {
  const file = resolve(path);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ERR_MODULE_NOT_FOUND" && (e as Error).message.includes(file) ? "no such file" : (e as Error).message;
    throw new OptimizerError(`cannot load the optimizer module ${path}: ${why}`);
  }
  const factory = mod.default ?? mod.factory;
  if (typeof factory !== "function") {
    throw new OptimizerError(
      `${path} must export its optimizer factory as \`export default function (args) { return { init, update }; }\` (or as \`factory\`)`,
    );
  }
  const name = typeof mod.name === "string" ? mod.name : basename(file, extname(file));
  const defaults = mod.defaults as Record<string, number> | undefined;
  if (defaults !== undefined && (typeof defaults !== "object" || defaults === null)) {
    throw new OptimizerError(`${path}: \`defaults\` must be an object of hyperparameter defaults, like { lr: 0.01 }`);
  }
  registerOptimizer(name, factory as OptimizerFactory, { origin: path, ...(defaults !== undefined && { defaults }) });
  return name;
}
