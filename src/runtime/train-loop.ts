// What the training loop people expect from Keras and PyTorch Lightning adds to the bare loop:
// a learning rate that follows a schedule, gradient clipping by global norm, and early stopping
// on the validation accuracy. Each is a small pure piece the loop in train.ts calls.
import type { Params } from "./executable.js";
import { createOptimizer } from "./optimizer-registry.js";
import { BUILTIN_OPTIMIZERS, OptimizerError, type Optimizer, type OptimizerContext } from "./optimizers.js";
import { learningRate } from "./schedule.js";
import type { EpochRecord, TrainConfig } from "./train-types.js";

/**
 * The optimizer for each update. With a schedule, it is made anew whenever the lr changes: an
 * optimizer's state is separate from it (init/update), so the state carries over, and a user's
 * optimizer module is scheduled as a built-in one is.
 */
export function scheduledOptimizer(
  config: TrainConfig,
  context: OptimizerContext,
  stepsPerEpoch: number,
): { at(s: number): Optimizer<unknown>; lr(s: number): number | undefined } {
  const { name, args } = config.optimizer;
  const fixed = createOptimizer(name, args, context);
  const scheduled = config.lrSchedule !== undefined || (config.warmup ?? 0) > 0;
  const builtin = Object.hasOwn(BUILTIN_OPTIMIZERS, name) ? BUILTIN_OPTIMIZERS[name as keyof typeof BUILTIN_OPTIMIZERS] : undefined;
  const base = args.lr ?? builtin?.hyper.lr.default;
  if (!scheduled) return { at: () => fixed, lr: () => base };
  if (base === undefined)
    throw new OptimizerError(`a learning-rate schedule or warm-up needs the optimizer's lr; give ${name} an lr (--lr X)`);
  const lrAt = learningRate(config.lrSchedule, config.warmup ?? 0, base, { iters: config.iters, stepsPerEpoch });
  let current = base;
  let optimizer = fixed;
  return {
    at(s) {
      const lr = lrAt(s);
      if (lr !== current) {
        optimizer = createOptimizer(name, { ...args, lr }, context);
        current = lr;
      }
      return optimizer;
    },
    lr: lrAt,
  };
}

/** Scales the gradients in place so that their global L2 norm is at most `max`; returns the norm before. */
export function clipByNorm(grads: Params, names: Iterable<string>, max: number): number {
  let sq = 0;
  const list = [...names].map((n) => grads[n]!);
  for (const g of list) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  const norm = Math.sqrt(sq);
  if (norm > max) {
    const scale = max / norm;
    for (const g of list) for (let i = 0; i < g.length; i++) g[i]! *= scale;
  }
  return norm;
}

/**
 * Whether `record` (just pushed as the last of `epochs`) has the best validation accuracy so far
 * (epoch 0, the untrained model, does not count), and whether `patience` epochs have passed
 * without one. It reads the history alone, so a resumed run decides as the uninterrupted one.
 */
export function earlyStopping(epochs: readonly EpochRecord[], patience: number | undefined): { best: boolean; stop: boolean } {
  const trained = epochs.filter((e) => e.epoch > 0 && e.valAccuracy !== undefined);
  const last = trained.at(-1);
  if (last === undefined || last !== epochs.at(-1)) return { best: false, stop: false };
  let bestAt = 0;
  for (let i = 1; i < trained.length; i++) if (trained[i]!.valAccuracy! > trained[bestAt]!.valAccuracy!) bestAt = i;
  const since = trained.length - 1 - bestAt;
  return { best: since === 0, stop: patience !== undefined && since >= patience };
}
