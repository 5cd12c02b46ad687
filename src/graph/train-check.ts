// The `train { }` section's specs, checked with the rest of the model at the setting's
// file:line:col: an optimizer the runtime has (`adma` -> did you mean adam?) with hyperparameters
// it takes, a learning-rate schedule, a sampling mode. Also the settings of the training loop
// (schedules, early stopping, clipping, sampling) that settings.ts adds to its table.
import { didYouMean, type Span } from "../diagnostics.js";
import { BUILTIN_OPTIMIZERS, OptimizerError, resolveHyper } from "../runtime/optimizers.js";
import { SAMPLING_MODES, SCHEDULES, checkSchedule } from "../runtime/schedule.js";
import type { SpecValue } from "./values.js";

type Check = (v: number) => boolean;
type SettingRule = { kind: "spec" | "num"; check?: Check; rule?: string };

/** Settings of the training loop, beside settings.ts's own. */
export const LOOP_SETTINGS: Readonly<Record<string, SettingRule>> = {
  lr_schedule: { kind: "spec", rule: `a schedule: ${Object.keys(SCHEDULES).join(", ")}, e.g. cosine or step(every = 5, gamma = 0.5)` },
  warmup: { kind: "num", check: (v) => Number.isInteger(v) && v >= 0, rule: "a whole number of steps >= 0" },
  patience: { kind: "num", check: (v) => Number.isInteger(v) && v > 0, rule: "a positive whole number of epochs" },
  clip_norm: { kind: "num", check: (v) => v > 0, rule: "a positive number" },
  sampling: { kind: "spec", rule: `a sampling mode: ${SAMPLING_MODES.join(" or ")}` },
};

/** Checks a spec-valued setting; `fail` reports at the setting's span. */
export function checkTrainSpec(setting: string, spec: SpecValue, span: Span, fail: (message: string, span: Span) => never): SpecValue {
  const known = (kind: string, names: readonly string[]) => {
    if (names.includes(spec.name)) return;
    const guess = didYouMean(spec.name, names);
    fail(`unknown ${kind} '${spec.name}'${guess ? `; did you mean '${guess}'?` : ""} (known: ${names.join(", ")})`, span);
  };
  try {
    if (setting === "optimizer") {
      known("optimizer", Object.keys(BUILTIN_OPTIMIZERS));
      const def = BUILTIN_OPTIMIZERS[spec.name as keyof typeof BUILTIN_OPTIMIZERS];
      resolveHyper(spec.name, def.hyper, spec.args, (arg) => {
        const names = Object.keys(def.hyper);
        const guess = didYouMean(arg, names);
        return fail(
          `${spec.name} has no hyperparameter '${arg}'${guess ? `; did you mean '${guess}'?` : ""} (it takes ${names.join(", ")})`,
          span,
        );
      });
    } else if (setting === "lr_schedule") {
      known("learning-rate schedule", Object.keys(SCHEDULES));
      checkSchedule(spec);
    } else if (setting === "sampling") {
      known("sampling mode", SAMPLING_MODES);
      if (Object.keys(spec.args).length > 0) fail(`sampling = ${spec.name} takes no arguments`, span);
    }
  } catch (e) {
    if (e instanceof OptimizerError) fail(e.message, span);
    throw e;
  }
  return spec;
}
