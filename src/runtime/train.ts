// The training loop: mini-batch gradient descent with a pluggable optimizer, weight decay,
// per-epoch evaluation, checkpoints that resume to the same result, and divergence detection.
// It drives any Executable (a compiled module, or the reference interpreter).
import type { Graph } from "../graph/ir.js";
import { Batches, type Dataset } from "./data/index.js";
import { optimizerKernels, type Executable, type FloatArray, type Params } from "./executable.js";
import { inMemoryOf, placed } from "./placement.js";
import { accuracy } from "./accuracy.js";
import { DivergedError } from "./diverged.js";
import { createRng, rngFromState } from "./rng.js";
import { mixSeed } from "../prelude/random.js";
import { stateIn } from "./optimizer-state.js";
import { clipByNorm, earlyStopping, scheduledOptimizer } from "./train-loop.js";
import type { Checkpoint, EpochRecord, History, TrainConfig, TrainData, TrainHooks, TrainResult } from "./train-types.js";

export { accuracy, DivergedError };
export type * from "./train-types.js";

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
  const ctor = (config.dtype ?? "f32") === "f32" ? Float32Array : Float64Array;
  const batchSize = Math.min(config.batchSize, data.train.rows);

  const initial: Params = resume ? resume.params : config.initialParams ? converted(config.initialParams, ctor) : exe.init(config.seed);
  // In the executable's memory when it has one (wasm): no copy of the params per step.
  const params: Params = exe.adopt ? exe.adopt(initial) : initial;
  // The trainable params' arrays, picked once: they are updated in place, never replaced.
  const trainableParams = pick(params, trainable);
  const history: History = resume ? { losses: [...resume.history.losses], epochs: [...resume.history.epochs] } : { losses: [], epochs: [] };
  const started = performance.now() - (resume?.seconds ?? 0) * 1000;
  const seconds = () => (performance.now() - started) / 1000;

  const rng = resume ? rngFromState(resume.epochRng) : createRng(config.seed);
  let epochRng = rng.state();
  const bufs = exe.batchBuffers?.(batchSize);
  // The rows batches come from: in the executable's memory when evaluation puts them there anyway
  // (or they were decoded there), so that each batch is copied within that memory.
  const rows = config.evaluate !== false ? placed(exe, data.train) : data.train;
  const batches = new Batches(rows, {
    batchSize,
    target: encoding,
    rng,
    dropLast: true,
    replacement: config.sampling === "with_replacement",
    // Filled where the step reads them when the executable offers its own buffers (no copy per step).
    x: bufs?.[input.name] ?? new ctor(batchSize * data.train.features),
    t: bufs?.[target.name] ?? new ctor(batchSize * (encoding === "onehot" ? data.train.classes : 1)),
    oneMemory: bufs?.[input.name] !== undefined && inMemoryOf(exe, rows),
  });
  const stepsPerEpoch = batches.perEpoch;
  // The built-in optimizers keep their state in the executable's memory and update there when they can.
  const optimizers = scheduledOptimizer(config, { decays: (n) => decays.has(n), ...(kernels && { kernels }) }, stepsPerEpoch);
  // A resumed state goes where init makes it (the executable's memory), so it takes the same updates.
  let optimizerState = resume ? stateIn(resume.optimizerState, kernels) : optimizers.at(0).init(trainableParams);
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
    if (!Number.isFinite(loss) || loss > 1e3 * Math.max(1, Math.abs(firstLoss)))
      throw new DivergedError(step + 1, loss, optimizers.lr(step));
    if (config.weightDecay > 0) {
      for (const name of decays) {
        const p = params[name]!;
        const gr = grads[name]!;
        for (let i = 0; i < p.length; i++) gr[i]! += config.weightDecay * p[i]!;
      }
    }
    if (config.clipNorm !== undefined) clipByNorm(grads, trainable, config.clipNorm);
    const optimizer = optimizers.at(step);
    step++;
    optimizerState = optimizer.update(trainableParams, grads, optimizerState, step);
    history.losses.push(loss);
    epochLoss += loss;
    epochSteps++;
    hooks.onStep?.(step, loss, history.epochs.length);
    const endOfEpoch = position === stepsPerEpoch;
    let stop = false;
    if (endOfEpoch || step === config.iters) {
      const record = evaluate(history.epochs.length, epochLoss / epochSteps);
      const watch = earlyStopping(history.epochs, config.patience);
      if (watch.best) hooks.onBest?.(params, record);
      stop = watch.stop;
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
    if (stop) {
      const mine = own(params);
      const stoppedEarly = history.epochs.length - 1;
      return { params: mine, history, stepsPerEpoch, completed: true, stoppedEarly, checkpoint: { ...checkpoint(), params: mine } };
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

/** Fresh copies in the run's element type (params saved by an f32 run can start an f64 one). */
function converted(params: Params, ctor: Float32ArrayConstructor | Float64ArrayConstructor): Params {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, ctor.from(v)]));
}

function pick(params: Params, names: ReadonlySet<string>): Params {
  return Object.fromEntries(Object.entries(params).filter(([k]) => names.has(k)));
}

function opt<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
}
