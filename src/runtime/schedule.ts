// Learning-rate schedules, as Keras and PyTorch offer them: the lr of each update, from the base
// lr, the update's index (0-based), the steps per epoch and the run's length. A linear warm-up
// over the first `warmup` steps composes with any of them (the schedule starts after it).
import { OptimizerError, resolveHyper, type HyperSpec } from "./optimizers.js";

export interface ScheduleSpec {
  readonly name: string;
  readonly args: Readonly<Record<string, number>>;
}

interface ScheduleDef {
  readonly summary: string;
  readonly hyper: Readonly<Record<string, HyperSpec>>;
  /** The factor on the base lr at update `s` of `total` (warm-up excluded), given the hyperparameters. */
  factor(h: Readonly<Record<string, number>>, s: number, total: number, perEpoch: number, lr: number): number;
}

export const SCHEDULES: Readonly<Record<string, ScheduleDef>> = {
  constant: { summary: "the base lr throughout", hyper: {}, factor: () => 1 },
  step: {
    summary: "lr × gamma every `every` epochs (PyTorch's StepLR)",
    hyper: { every: { default: 1, range: "positive" }, gamma: { default: 0.1, range: "positive" } },
    factor: (h, s, _t, perEpoch) => h.gamma! ** Math.floor(Math.floor(s / perEpoch) / h.every!),
  },
  exponential: {
    summary: "lr × gamma^epoch (PyTorch's ExponentialLR)",
    hyper: { gamma: { default: 0.95, range: "positive" } },
    factor: (h, s, _t, perEpoch) => h.gamma! ** Math.floor(s / perEpoch),
  },
  cosine: {
    summary: "from lr down to min_lr along half a cosine over the run (PyTorch's CosineAnnealingLR)",
    hyper: { min_lr: { default: 0, range: "nonnegative" } },
    factor: (h, s, total, _p, lr) => (h.min_lr! + ((lr - h.min_lr!) * (1 + Math.cos((Math.PI * s) / Math.max(1, total)))) / 2) / lr,
  },
};

export const SAMPLING_MODES = ["shuffle", "with_replacement"] as const;
export type SamplingMode = (typeof SAMPLING_MODES)[number];

/** The schedule's hyperparameters with defaults, checked; an OptimizerError (a usage error) names a bad one. */
export function checkSchedule(spec: ScheduleSpec): Record<string, number> {
  const def = SCHEDULES[spec.name];
  if (def === undefined)
    throw new OptimizerError(`unknown learning-rate schedule "${spec.name}"; the schedules are ${Object.keys(SCHEDULES).join(", ")}`);
  const h = resolveHyper(spec.name, def.hyper, spec.args, (arg) => {
    throw new OptimizerError(`${spec.name} has no hyperparameter "${arg}"; it takes ${Object.keys(def.hyper).join(", ") || "none"}`);
  });
  if (h.every !== undefined && !Number.isInteger(h.every))
    throw new OptimizerError(`step: every must be a whole number of epochs, got ${h.every}`);
  return h;
}

/** lr(s) for updates s = 0, 1, ...: warm-up, then the schedule. */
export function learningRate(
  spec: ScheduleSpec | undefined,
  warmup: number,
  lr: number,
  run: { readonly iters: number; readonly stepsPerEpoch: number },
): (s: number) => number {
  const def = SCHEDULES[spec?.name ?? "constant"]!;
  const h = spec ? checkSchedule(spec) : {};
  return (s) => {
    if (s < warmup) return (lr * (s + 1)) / warmup;
    return lr * def.factor(h, s - warmup, run.iters - warmup, run.stepsPerEpoch, lr);
  };
}
