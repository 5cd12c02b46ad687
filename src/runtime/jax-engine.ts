// `nnc train --engine jax`, the JS side: the run nnc would make (its data readers, initial params,
// batches, learning rates, optimizer settings) written to a work folder as raw arrays and a JSON
// config, the model rendered as a JAX module beside the driver (src/codegen/jax/trainer.ts), and
// the driver's JSON lines turned back into the hooks, history and params of a TrainResult. The
// batches are the JS engine's (the same rng and order), so the two engines train on the same data.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { renderJaxModule } from "../codegen/jax/module.js";
import { TRAINER, TRAINER_FILE } from "../codegen/jax/trainer.js";
import type { Graph } from "../graph/ir.js";
import { Batches, type Dataset } from "./data/index.js";
import { DivergedError } from "./diverged.js";
import type { Params } from "./executable.js";
import { initValues } from "./initializers.js";
import { BUILTIN_OPTIMIZERS, OptimizerError, resolveHyper } from "./optimizers.js";
import { createRng } from "./rng.js";
import { scheduledOptimizer } from "./train-loop.js";
import type { EpochRecord, History, TrainConfig, TrainData, TrainHooks, TrainResult } from "./train-types.js";

/** Settings of `nnc train` the JAX engine cannot honour, each with what to do instead. */
export function jaxUnsupported(config: Pick<TrainConfig, "patience" | "optimizer">): string | undefined {
  if (config.patience !== undefined)
    return "early stopping (--patience) is not supported with --engine jax; train a fixed number of epochs";
  if (!Object.hasOwn(BUILTIN_OPTIMIZERS, config.optimizer.name))
    return `--engine jax runs the built-in optimizers only (${Object.keys(BUILTIN_OPTIMIZERS).join(", ")}), not '${config.optimizer.name}'`;
  return undefined;
}

/** The driver's failure: its message, or the end of what Python printed on stderr. */
export class JaxEngineError extends Error {}

export interface JaxRun extends TrainResult {
  readonly devices: number;
  readonly platform: string;
}

interface Line {
  readonly type: string;
  readonly [k: string]: unknown;
}

/** Trains `g` in JAX with `python` (which has jax); the hooks see what the JS loop would report. */
export async function trainWithJax(
  g: Graph,
  data: TrainData,
  config: TrainConfig,
  python: string,
  hooks: TrainHooks = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<JaxRun> {
  const unsupported = jaxUnsupported(config);
  if (unsupported) throw new OptimizerError(unsupported);
  const input = g.inputs.find((i) => i.role === "input");
  const target = g.inputs.find((i) => i.role === "target");
  const output = g.outputs[0];
  if (!input || !target || !output) throw new Error(`model '${g.model}' needs an input, a target and an output to train`);
  const work = mkdtempSync(join(tmpdir(), "nnc-jax-"));
  try {
    const batch = Math.min(config.batchSize, data.train.rows);
    const { order, stepsPerEpoch } = batchOrder(data.train, batch, config);
    const schedule = scheduledOptimizer(config, { decays: () => true }, stepsPerEpoch);
    const lrs = Float64Array.from({ length: config.iters }, (_, s) => schedule.lr(s) ?? 0);
    const { name, args } = config.optimizer;
    const hyper = resolveHyper(name, BUILTIN_OPTIMIZERS[name as keyof typeof BUILTIN_OPTIMIZERS].hyper, args, (a) => {
      throw new OptimizerError(`${name} has no hyperparameter '${a}'`);
    });
    const initial = config.initialParams ?? initValues(g, config.seed);
    const flat = new Float64Array([...g.params, ...g.states].flatMap((p) => Array.from(initial[p.name]!)));
    const write = (file: string, a: ArrayBufferView) =>
      writeFileSync(join(work, file), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    write("init.bin", flat);
    write("order.bin", order);
    write("lrs.bin", lrs);
    const sets: Record<string, { rows: number; features: number }> = {};
    for (const [key, ds] of Object.entries(data) as [string, Dataset | undefined][]) {
      if (!ds) continue;
      write(`${key}.x`, ds.x);
      write(`${key}.labels`, ds.labels);
      sets[key] = { rows: ds.rows, features: ds.features };
    }
    writeFileSync(join(work, "model.py"), renderJaxModule(g));
    writeFileSync(join(work, TRAINER_FILE), TRAINER.text);
    const cfg = {
      dtype: config.dtype ?? "f32",
      input: input.name,
      // A row as the model reads it ([1, 28, 28] for a conv net): the data files hold flat rows.
      row_shape: input.shape.slice(1),
      target: target.name,
      output: output.name,
      encoding: target.encoding === "index" ? "index" : "onehot",
      classes: data.train.classes,
      data: sets,
      optimizer: { name, args: hyper },
      decays: g.params.filter((p) => p.decay).map((p) => p.name),
      weight_decay: config.weightDecay,
      clip_norm: config.clipNorm ?? null,
      iters: config.iters,
      batch,
      steps_per_epoch: stepsPerEpoch,
      seed: config.seed,
      evaluate: config.evaluate !== false,
      eval_batch: config.evalBatch ?? 1000,
      // Losses come back every `chunk` steps: the host waits on the devices once per chunk, not per step.
      chunk: Math.min(stepsPerEpoch, 50),
    };
    writeFileSync(join(work, "config.json"), JSON.stringify(cfg));
    const run = await drive(python, work, hooks, env);
    const params = readParams(g, join(work, "final.bin"), config.dtype ?? "f32");
    if (run.best !== undefined) hooks.onBest?.(readParams(g, join(work, "best.bin"), config.dtype ?? "f32"), run.history.epochs[run.best]!);
    const checkpoint = {
      step: config.iters,
      params,
      optimizerState: null,
      epochRng: [],
      position: 0,
      history: run.history,
      seconds: run.seconds,
    };
    return { params, history: run.history, stepsPerEpoch, completed: true, checkpoint, devices: run.devices, platform: run.platform };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Params and state as the driver saved them: float64, in the graph's order, one after the other. */
function readParams(g: Graph, path: string, dtype: "f32" | "f64"): Params {
  // A copy into a fresh buffer: a small file's Buffer is a view into Node's pool, at any offset.
  const flat = new Float64Array(new Uint8Array(readFileSync(path)).buffer);
  const ctor = dtype === "f32" ? Float32Array : Float64Array;
  const params: Params = {};
  let at = 0;
  for (const p of [...g.params, ...g.states]) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    params[p.name] = ctor.from(flat.subarray(at, at + n));
    at += n;
  }
  return params;
}

/** The row indices of every step, drawn as src/runtime/train.ts draws them (a Batches over the row numbers). */
function batchOrder(ds: Dataset, batch: number, config: TrainConfig): { order: Int32Array; stepsPerEpoch: number } {
  const rowNumbers: Dataset = { ...ds, x: Float32Array.from({ length: ds.rows }, (_, i) => i), features: 1 };
  if (ds.rows >= 2 ** 24) throw new RangeError(`the JAX engine numbers rows in float32: ${ds.rows} rows are too many`);
  const batches = new Batches(rowNumbers, {
    batchSize: batch,
    target: "index",
    rng: createRng(config.seed),
    dropLast: true,
    replacement: config.sampling === "with_replacement",
  });
  const order = new Int32Array(config.iters * batch);
  for (let s = 0; s < config.iters; s++) {
    if (batches.next() === 0) batches.next();
    order.set(batches.x.subarray(0, batch), s * batch);
  }
  return { order, stepsPerEpoch: batches.perEpoch };
}

/** Runs the driver, feeding its lines to the hooks; resolves at "done". */
function drive(
  python: string,
  work: string,
  hooks: TrainHooks,
  env: NodeJS.ProcessEnv,
): Promise<{ history: History; seconds: number; devices: number; platform: string; best?: number }> {
  const history: History = { losses: [], epochs: [] };
  let best: number | undefined;
  let devices = 0;
  let platform = "";
  let seconds = 0;
  let failure: Error | undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(python, [join(work, TRAINER_FILE), join(work, "config.json")], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (text) => {
      if (failure) return;
      const line = JSON.parse(text) as Line;
      if (line.type === "start") [devices, platform] = [Number(line.devices), String(line.platform)];
      else if (line.type === "losses") {
        const start = Number(line.start);
        (line.values as number[]).forEach((loss, i) => {
          history.losses.push(loss);
          hooks.onStep?.(start + i, loss, history.epochs.length);
        });
      } else if (line.type === "epoch") {
        const record = epochRecord(line);
        history.epochs.push(record);
        hooks.onEpoch?.(record);
      } else if (line.type === "diverged")
        failure = new DivergedError(Number(line.step), line.loss === null ? NaN : Number(line.loss), Number(line.lr));
      else if (line.type === "error") failure = new JaxEngineError(String(line.message));
      else if (line.type === "best") best = Number(line.epoch);
      else if (line.type === "done") seconds = Number(line.seconds);
      if (hooks.shouldStop?.() && !failure) {
        failure = new JaxEngineError(`interrupted at step ${history.losses.length} (the JAX engine keeps no checkpoint)`);
        child.kill("SIGTERM");
      }
    });
    child.on("error", (e) => reject(new JaxEngineError(`cannot run ${python}: ${e.message}`)));
    child.on("close", (code) => {
      // Ctrl-C reaches Python too (one process group): say so rather than show its traceback.
      if (!failure && code !== 0 && hooks.shouldStop?.())
        failure = new JaxEngineError(`interrupted at step ${history.losses.length} (the JAX engine keeps no checkpoint)`);
      if (failure) reject(failure);
      else if (code !== 0) reject(new JaxEngineError(`the JAX driver failed (exit ${code}):\n${stderr.trim()}`));
      else resolve({ history, seconds, devices, platform, ...(best !== undefined && { best }) });
    });
  });
}

function epochRecord(line: Line): EpochRecord {
  const num = (k: string) => (typeof line[k] === "number" ? { [k]: line[k] } : {});
  return {
    epoch: Number(line.epoch),
    step: Number(line.step),
    ...num("loss"),
    ...num("trainAccuracy"),
    ...num("testAccuracy"),
    ...num("valAccuracy"),
    seconds: Number(line.seconds),
  };
}
