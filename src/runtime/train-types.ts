// The training loop's data types: its configuration, data, hooks, the records it keeps and the
// checkpoint it resumes from.
import type { Dataset } from "./data/index.js";
import type { Params } from "./executable.js";
import type { SamplingMode, ScheduleSpec } from "./schedule.js";

export interface TrainConfig {
  readonly optimizer: { readonly name: string; readonly args: Readonly<Record<string, number>> };
  readonly batchSize: number;
  /** Total optimizer steps. */
  readonly iters: number;
  readonly seed: number;
  /** λ of the ½λ‖W‖² penalty on weights (params of rank >= 2), as the book applies it. */
  readonly weightDecay: number;
  /** The element type of batches fed to the model. Default f32. */
  readonly dtype?: "f32" | "f64";
  /** Rows per predict call when evaluating accuracy. Default 1000. */
  readonly evalBatch?: number;
  /** False skips the per-epoch accuracies (the records keep the loss), for runs that only plot it. Default true. */
  readonly evaluate?: boolean;
  /** The learning rate's schedule over the run (default constant), after `warmup` steps of linear warm-up. */
  readonly lrSchedule?: ScheduleSpec;
  readonly warmup?: number;
  /** Gradients whose global L2 norm exceeds this are scaled down to it. */
  readonly clipNorm?: number;
  /** Early stopping: stop when the validation accuracy has not improved for this many epochs. */
  readonly patience?: number;
  /** How mini-batches are drawn: a shuffle per epoch (default) or, as the book does, rows drawn with replacement. */
  readonly sampling?: SamplingMode;
  /** Params to start from (fine-tuning) instead of the initializers; copied, never changed. */
  readonly initialParams?: Params;
}

export interface TrainData {
  readonly train: Dataset;
  readonly test?: Dataset;
  readonly val?: Dataset;
}

export interface EpochRecord {
  /** 0 is before any step (the book plots it); then one record per epoch. */
  readonly epoch: number;
  readonly step: number;
  /** Mean training-batch loss over the epoch (none at epoch 0). */
  readonly loss?: number;
  readonly trainAccuracy?: number;
  readonly testAccuracy?: number;
  readonly valAccuracy?: number;
  /** Wall time since training started. */
  readonly seconds: number;
}

export interface History {
  /** The loss of every step's batch. */
  readonly losses: number[];
  readonly epochs: EpochRecord[];
}

/** Everything needed to go on exactly where a run stopped. */
export interface Checkpoint {
  readonly step: number;
  readonly params: Params;
  readonly optimizerState: unknown;
  /** The batch rng's state at the start of the current epoch, and the batches done in it. */
  readonly epochRng: readonly number[];
  readonly position: number;
  readonly history: History;
  readonly seconds: number;
}

export interface TrainHooks {
  onStep?(step: number, loss: number, epoch: number): void;
  onEpoch?(record: EpochRecord): void;
  /** Asked after each step: true stops training early (e.g. on Ctrl-C) with a checkpoint. */
  shouldStop?(): boolean;
  onCheckpoint?(checkpoint: Checkpoint): void;
  /** After an epoch whose validation accuracy is the best so far, with the params then (valid during the call). */
  onBest?(params: Params, record: EpochRecord): void;
}

export interface TrainResult {
  readonly params: Params;
  readonly history: History;
  readonly stepsPerEpoch: number;
  /** False when shouldStop ended the run early. */
  readonly completed: boolean;
  /** The epoch at which early stopping ended the run (patience ran out), if it did. */
  readonly stoppedEarly?: number;
  readonly checkpoint: Checkpoint;
}
