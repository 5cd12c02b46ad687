// The training loop: mini-batch gradient descent with a pluggable optimizer, weight decay,
// per-epoch evaluation, checkpoints that resume to the same result, and divergence detection.
// It drives any Executable (a compiled module, or the reference interpreter).
import type { Graph } from "../graph/ir.js";
import { Batches, type Dataset } from "./data/index.js";
import { optimizerKernels, type Executable, type FloatArray, type Params } from "./executable.js";
import { placed } from "./placement.js";
import { createOptimizer } from "./optimizer-registry.js";
import { DivergedError } from "./diverged.js";
import { createRng, rngFromState } from "./rng.js";
import { mixSeed } from "../prelude/random.js";

export { DivergedError };

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
}

export interface TrainResult {
  readonly params: Params;
  readonly history: History;
  readonly stepsPerEpoch: number;
  /** False when shouldStop ended the run early. */
  readonly completed: boolean;
  readonly checkpoint: Checkpoint;
}

/** The argmax of each row of the model's first output, compared with the labels. */
export function accuracy(
  exe: Executable,
  g: Graph,
  params: Params,
  ds: Dataset,
  evalBatch = 1000,
  dtype: "f32" | "f64" = "f32",
): number | undefined {
  const out = g.outputs[0];
  const input = g.inputs.find((i) => i.role === "input");
  if (!out || !input) return undefined;
  let correct = 0;
  for (let start = 0; start < ds.rows; start += evalBatch) {
    const rows = Math.min(evalBatch, ds.rows - start);
    // f32: a view of the rows, which predict reads (or copies into its arena) as they are.
    const rowsX = ds.x.subarray(start * ds.features, (start + rows) * ds.features);
    const x = dtype === "f32" ? rowsX : new Float64Array(rowsX);
    const y = exe.predict(params, { [input.name]: x })[out.name]!;
    const width = y.length / rows;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let c = 1; c < width; c++) if (y[r * width + c]! > y[r * width + best]!) best = c;
      if (best === ds.labels[start + r]) correct++;
    }
  }
  return correct / ds.rows;
}

/** Trains to the end (or until hooks.shouldStop), without yielding to the event loop. */
export function train(
  g: Graph,
  exe: Executable,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
  resume?: Checkpoint,
): TrainResult {
  const steps = trainSteps(g, exe, data, config, hooks, resume);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Trains like `train`, but lets the event loop run every 50 ms, so that signals (Ctrl-C),
 * progress bars and timers work while it trains.
 */
export async function trainAsync(
  g: Graph,
  exe: Executable,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
  resume?: Checkpoint,
): Promise<TrainResult> {
  const steps = trainSteps(g, exe, data, config, hooks, resume);
  let last = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - last > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}

/** The training loop, one step per iteration of the generator; returns the result at the end. */
export function* trainSteps(
  g: Graph,
  exe: Executable,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
  resume?: Checkpoint,
): Generator<number, TrainResult> {
  const input = g.inputs.find((i) => i.role === "input");
  const target = g.inputs.find((i) => i.role === "target");
  if (!input || !target) throw new Error(`model '${g.model}' needs an input and a target to train`);
  const encoding = target.encoding === "index" ? "index" : "onehot";
  const decays = new Set(g.params.filter((p) => p.decay).map((p) => p.name));
  const trainable = new Set(g.params.map((p) => p.name));
  const kernels = optimizerKernels(exe);
  // The built-in optimizers keep their state in the executable's memory and update there when they can.
  const optimizer = createOptimizer(config.optimizer.name, config.optimizer.args, {
    decays: (n) => decays.has(n),
    ...(kernels && { kernels }),
  });
  const lr = config.optimizer.args.lr;
  const ctor = (config.dtype ?? "f32") === "f32" ? Float32Array : Float64Array;
  const batchSize = Math.min(config.batchSize, data.train.rows);

  const initial: Params = resume ? resume.params : exe.init(config.seed);
  // In the executable's memory when it has one (wasm): no copy of the params per step.
  const params: Params = exe.adopt ? exe.adopt(initial) : initial;
  // The trainable params' arrays, picked once: they are updated in place, never replaced.
  const trainableParams = pick(params, trainable);
  let optimizerState = resume ? resume.optimizerState : optimizer.init(trainableParams);
  const history: History = resume ? { losses: [...resume.history.losses], epochs: [...resume.history.epochs] } : { losses: [], epochs: [] };
  const started = performance.now() - (resume?.seconds ?? 0) * 1000;
  const seconds = () => (performance.now() - started) / 1000;

  const rng = resume ? rngFromState(resume.epochRng) : createRng(config.seed);
  let epochRng = rng.state();
  const bufs = exe.batchBuffers?.(batchSize);
  const batches = new Batches(data.train, {
    batchSize,
    target: encoding,
    rng,
    dropLast: true,
    // Filled where the step reads them when the executable offers its own buffers (no copy per step).
    x: bufs?.[input.name] ?? new ctor(batchSize * data.train.features),
    t: bufs?.[target.name] ?? new ctor(batchSize * (encoding === "onehot" ? data.train.classes : 1)),
  });
  const stepsPerEpoch = batches.perEpoch;
  const feed = { [input.name]: batches.x as FloatArray, [target.name]: batches.t as FloatArray };
  let position = 0;
  let step = resume?.step ?? 0;
  if (resume) for (; position < resume.position; position++) batches.next();

  const evaluate = (epoch: number, loss: number | undefined): EpochRecord => {
    const acc = (ds: Dataset | undefined) =>
      ds && config.evaluate !== false ? accuracy(exe, g, params, placed(exe, ds), config.evalBatch, config.dtype) : undefined;
    const record: EpochRecord = {
      epoch,
      step,
      ...opt("loss", loss),
      ...opt("trainAccuracy", acc(data.train)),
      ...opt("testAccuracy", acc(data.test)),
      ...opt("valAccuracy", acc(data.val)),
      seconds: seconds(),
    };
    history.epochs.push(record);
    hooks.onEpoch?.(record);
    return record;
  };
  const checkpoint = (): Checkpoint => ({ step, params, optimizerState, epochRng, position, history, seconds: seconds() });

  // Epoch 0: the untrained model, as the book's first accuracy line.
  if (!resume) evaluate(0, undefined);
  let epochLoss = 0;
  let epochSteps = 0;
  let firstLoss: number | undefined = history.losses[0];
  while (step < config.iters) {
    let n = batches.next();
    if (n === 0) {
      epochRng = rng.state();
      position = 0;
      n = batches.next();
    }
    position++;
    const { loss: rawLoss, grads } = exe.lossAndGrads(params, feed, { seed: stepSeed(config.seed, step + 1) });
    const loss = rawLoss + decayPenalty(params, decays, config.weightDecay);
    // NaN, or a thousand times the first loss (and at least 1e3): that is divergence, not noise.
    firstLoss ??= loss;
    if (!Number.isFinite(loss) || loss > 1e3 * Math.max(1, Math.abs(firstLoss))) throw new DivergedError(step + 1, loss, lr);
    if (config.weightDecay > 0) {
      for (const name of decays) {
        const p = params[name]!;
        const gr = grads[name]!;
        for (let i = 0; i < p.length; i++) gr[i]! += config.weightDecay * p[i]!;
      }
    }
    step++;
    optimizerState = optimizer.update(trainableParams, grads, optimizerState, step);
    history.losses.push(loss);
    epochLoss += loss;
    epochSteps++;
    hooks.onStep?.(step, loss, history.epochs.length);
    const endOfEpoch = position === stepsPerEpoch;
    if (endOfEpoch || step === config.iters) {
      evaluate(history.epochs.length, epochLoss / epochSteps);
      epochLoss = 0;
      epochSteps = 0;
      if (endOfEpoch) {
        // The next epoch's order is drawn by the next call; save the rng before it.
        batches.next();
        epochRng = rng.state();
        position = 0;
      }
      hooks.onCheckpoint?.(checkpoint());
    }
    if (hooks.shouldStop?.()) {
      const cp = checkpoint();
      hooks.onCheckpoint?.(cp);
      const mine = own(params);
      return { params: mine, history, stepsPerEpoch, completed: false, checkpoint: { ...cp, params: mine } };
    }
    yield step;
  }
  const mine = own(params);
  return { params: mine, history, stepsPerEpoch, completed: true, checkpoint: { ...checkpoint(), params: mine } };
}

/** ½λ Σ‖W‖² over the weights. */
function decayPenalty(params: Params, decays: ReadonlySet<string>, lambda: number): number {
  if (lambda === 0) return 0;
  let s = 0;
  for (const name of decays) for (const v of params[name]!) s += v * v;
  return 0.5 * lambda * s;
}

/** A different dropout seed for every step, reproducible from the run's seed. */
export function stepSeed(seed: number, step: number): number {
  return mixSeed(seed + 1, step - 1);
}

/** Params of the caller's own: copies when they are views of the executable's memory, which the next run adopting params overwrites. */
function own(params: Params): Params {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.slice()]));
}

function pick(params: Params, names: ReadonlySet<string>): Params {
  return Object.fromEntries(Object.entries(params).filter(([k]) => names.has(k)));
}

function opt<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
}
