// The `train { ... }` section: the model's training defaults, which command-line flags override.
import { didYouMean, type Span } from "../diagnostics.js";
import type { TrainSettings } from "./ir.js";
import { checkTrainSpec, LOOP_SETTINGS } from "./train-check.js";
import { describeKind, type Value } from "./values.js";

type Check = (v: number) => boolean;

/** Every setting a train section may hold, with what its value must be. */
export const TRAIN_SETTINGS: Readonly<Record<string, { kind: "spec" | "num"; check?: Check; rule?: string }>> = {
  optimizer: { kind: "spec" },
  lr: { kind: "num", check: (v) => v > 0, rule: "a positive number" },
  batch_size: { kind: "num", check: (v) => Number.isInteger(v) && v > 0, rule: "a positive integer" },
  epochs: { kind: "num", check: (v) => Number.isInteger(v) && v > 0, rule: "a positive integer" },
  iters: { kind: "num", check: (v) => Number.isInteger(v) && v > 0, rule: "a positive integer" },
  weight_decay: { kind: "num", check: (v) => v >= 0, rule: "a number >= 0" },
  seed: { kind: "num", check: (v) => Number.isInteger(v) && v >= 0, rule: "a non-negative integer" },
  val_split: { kind: "num", check: (v) => v >= 0 && v < 1, rule: "a fraction in [0, 1)" },
  train_subset: { kind: "num", check: (v) => Number.isInteger(v) && v > 0, rule: "a positive integer" },
  ...LOOP_SETTINGS,
};

export function trainSettings(values: readonly [string, Value, Span][], fail: (message: string, span: Span) => never): TrainSettings {
  const out: Record<string, TrainSettings[string]> = {};
  for (const [name, v, span] of values) {
    const rule = TRAIN_SETTINGS[name];
    if (!rule) {
      const guess = didYouMean(name, Object.keys(TRAIN_SETTINGS));
      fail(
        `unknown training setting '${name}'${guess ? `; did you mean '${guess}'?` : ""} (known: ${Object.keys(TRAIN_SETTINGS).join(", ")})`,
        span,
      );
    }
    if (name in out) fail(`training setting '${name}' is given twice`, span);
    if (v.kind === "error") continue;
    if (rule.kind === "spec") {
      if (v.kind !== "spec")
        fail(
          `'${name}' must ${rule.rule ? `be ${rule.rule}` : "name an optimizer, e.g. sgd(lr = 0.1) or adam"}, got ${describeKind(v.kind)}`,
          span,
        );
      out[name] = checkTrainSpec(name, v.spec, span, fail);
    } else {
      if (v.kind !== "num") fail(`'${name}' must be ${rule.rule}, got ${describeKind(v.kind)}`, span);
      if (rule.check && !rule.check(v.value)) fail(`'${name}' must be ${rule.rule}, got ${v.value}`, span);
      out[name] = v.value;
    }
  }
  if ("epochs" in out && "iters" in out) fail(`give either epochs or iters, not both`, values[0]![2]);
  return out;
}
