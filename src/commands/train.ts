// `nnc train FILE --data SRC`: trains a model on real data and writes the run's files to --out:
// model.nn, settings.json, checkpoint.safetensors (each epoch), params.safetensors, metrics.json,
// loss.svg and accuracy.svg, each written atomically.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { resolveTrainTest, subset, valSplit, DataError } from "../runtime/data/index.js";
import { compiledBackend, executableFor } from "../runtime/backend.js";
import type { Executable, Params } from "../runtime/executable.js";
import { userError } from "./errors.js";
import { loadCheckpoint, loadParams, saveCheckpoint, saveParams } from "../runtime/checkpoint.js";
import { writeFileAtomic } from "../runtime/files.js";
import { checkModelSize } from "../runtime/model-size.js";
import { arenaAllocator } from "../runtime/placement.js";
import { createOptimizer, loadOptimizerModule } from "../runtime/optimizer-registry.js";
import { OptimizerError } from "../runtime/optimizers.js";
import { DivergedError, trainAsync, type Checkpoint, type TrainConfig, type TrainHooks, type TrainResult } from "../runtime/train.js";
import { JaxEngineError, trainWithJax } from "../runtime/jax-engine.js";
import { jaxEngine } from "./train-jax.js";
import { pickModel } from "./graph.js";
import { load, UsageError, type Io } from "./io.js";
import { classOptions } from "./model-data.js";
import { createProgress } from "./progress.js";
import { finishRun } from "./train-finish.js";
import { resolveSettings, resumeMismatches, type TrainFlags } from "./train-settings.js";

export interface TrainOptions extends TrainFlags {
  readonly set: Record<string, string>;
  readonly data?: string;
  readonly testData?: string;
  readonly labelColumn?: string;
  readonly out?: string;
  readonly resume?: boolean;
  /** Trained params to start from (fine-tuning), instead of the initializers. */
  readonly initFrom?: string;
  readonly json?: boolean;
  readonly model?: string;
  /** Where matmuls run: js or wasm (default: wasm for f32, js for f64). */
  readonly backend?: string;
  /** nnc (the default: nnc's compiled kernels) or jax (the step in JAX, on every device it sees: ./train-jax.ts). */
  readonly engine?: string;
  /** false with --no-eval: no accuracy evaluations after the epochs. */
  readonly eval?: boolean;
}

function defaultOut(model: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  return join("runs", `${model}-${stamp}`);
}

export async function trainCommand(file: string, opts: TrainOptions, io: Io): Promise<number> {
  if (!opts.data) throw new UsageError(`--data is required: mnist, a folder of IDX files, IMAGES,LABELS or a .csv file`);
  if (opts.resume && !opts.out) throw new UsageError(`--resume needs --out DIR, the folder of the run to continue`);
  if (opts.resume && opts.initFrom)
    throw new UsageError(`--resume continues a run from its checkpoint; --init-from starts a new one: give one of them`);
  const { result, code } = load(file, { set: opts.set }, io);
  if (code !== 0) return code;
  const g = pickModel(result.graphs, opts.model);
  if (g.loss === undefined) throw new UsageError(`model '${g.model}' has no loss, so it cannot be trained`);
  const input = g.inputs.find((i) => i.role === "input");

  let optimizerName: string | undefined;
  if (opts.optimizer && /[/\\]|\.m?js$/.test(opts.optimizer)) {
    try {
      optimizerName = await loadOptimizerModule(opts.optimizer);
    } catch (e) {
      if (e instanceof OptimizerError) throw new UsageError(e.message);
      throw e;
    }
  }
  const settings = resolveSettings(g, opts, optimizerName);
  const jax = jaxEngine(opts, settings); // the Python with jax, when --engine jax
  if (opts.backend !== undefined && opts.backend !== "js" && opts.backend !== "wasm")
    throw new UsageError(`--backend must be js or wasm, got '${opts.backend}'`);
  const backendAsked = opts.backend as "js" | "wasm" | undefined;
  checkModelSize(g, { batch: settings.batchSize, dtype: settings.dtype, backend: compiledBackend(settings.dtype, backendAsked).backend });
  try {
    createOptimizer(settings.optimizer.name, settings.optimizer.args); // checked before any data is read
  } catch (e) {
    if (e instanceof OptimizerError) throw new UsageError(e.message);
    throw e;
  }

  // Compiled before the data is read, so that the images are decoded into its memory, where
  // evaluation reads them in place (arenaAllocator).
  const { exe, backend, note } = jax
    ? { exe: undefined, backend: "jax" as const, note: undefined }
    : await executableFor(g, {
        dtype: settings.dtype,
        ...(opts.backend !== undefined && { backend: opts.backend }),
      });
  if (note !== undefined) io.err(`nnc: note: ${note}\n`);
  let data;
  try {
    const labelColumn =
      opts.labelColumn === undefined ? undefined : /^\d+$/.test(opts.labelColumn) ? Number(opts.labelColumn) : opts.labelColumn;
    const allocate = exe && arenaAllocator(exe);
    data = resolveTrainTest(opts.data, opts.testData, {
      ...classOptions(g),
      ...(labelColumn !== undefined && { labelColumn }),
      ...(allocate && { allocate }),
    });
  } catch (e) {
    if (e instanceof DataError) {
      io.err(`nnc: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const width = input ? input.shape.slice(1).reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1) : 0;
  if (input && data.train.features !== width) {
    io.err(`nnc: error: the data has ${data.train.features} features per row, but input '${input.name}' of ${g.model} takes ${width}\n`);
    return 1;
  }
  let train_ = data.train;
  if (settings.trainSubset !== undefined) train_ = subset(train_, settings.trainSubset);
  if (settings.patience !== undefined && settings.valSplit === 0)
    throw new UsageError(
      `early stopping (patience ${settings.patience}) watches the validation accuracy: give a validation split, e.g. --val-split 0.1`,
    );
  const split = settings.valSplit > 0 ? valSplit(train_, settings.valSplit, settings.seed) : undefined;
  const trainData = { train: split ? split.train : train_, ...(data.test && { test: data.test }), ...(split && { val: split.val }) };

  const batch = Math.min(settings.batchSize, trainData.train.rows);
  const stepsPerEpoch = Math.floor(trainData.train.rows / batch);
  const iters = settings.iters ?? settings.epochs! * stepsPerEpoch;
  const epochs = Math.ceil(iters / stepsPerEpoch);

  const out = opts.out ?? defaultOut(g.model);
  const checkpointPath = join(out, "checkpoint.safetensors");
  let resume: Checkpoint | undefined;
  if (opts.resume) {
    if (!existsSync(checkpointPath)) throw new UsageError(`--resume: there is no checkpoint in ${out}`);
    const loaded = loadCheckpoint(checkpointPath, g);
    const mismatches = resumeMismatches(loaded.settings, { ...settings, hyper: g.hyper });
    if (mismatches.length > 0) throw new UsageError(`--resume: the settings differ from the checkpoint's:\n  ${mismatches.join("\n  ")}`);
    if (loaded.mismatched.length > 0)
      throw new UsageError(
        `--resume: ${checkpointPath} does not fit ${g.model} as it is now (was the run started with other --set values?):\n  ${loaded.mismatched.join("\n  ")}`,
      );
    if (loaded.checkpoint.step > iters)
      throw new UsageError(
        `--resume: the run in ${out} has made ${loaded.checkpoint.step} steps already, more than the ${iters} asked for; give a larger --epochs or --iters to extend it`,
      );
    resume = loaded.checkpoint;
  }
  let initial: Params | undefined;
  if (opts.initFrom !== undefined) {
    try {
      initial = loadParams(opts.initFrom, g);
    } catch (e) {
      const mistake = userError(e);
      throw new UsageError(`--init-from: ${mistake?.message ?? (e as Error).message}`);
    }
  }
  const source = result.sources.get(file) ?? readFileSync(file, "utf8");
  writeFileAtomic(join(out, "model.nn"), source);
  const runInfo = {
    model: g.model,
    file: basename(file),
    hyper: g.hyper,
    set: opts.set,
    ...(opts.initFrom !== undefined && { initFrom: opts.initFrom }),
    settings,
    data: {
      source: opts.data,
      testSource: opts.testData ?? null,
      train: trainData.train.rows,
      val: trainData.val?.rows ?? 0,
      test: trainData.test?.rows ?? 0,
    },
    backend,
  };
  writeFileAtomic(join(out, "settings.json"), JSON.stringify(runInfo, null, 2) + "\n");

  const progress = createProgress(io, { json: Boolean(opts.json), tty: io.isTTY });
  if (!opts.json) {
    const desc = `${settings.optimizer.name}(${Object.entries(settings.optimizer.args)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")})`;
    progress.note(
      `training ${g.model} on ${trainData.train.rows} rows (${opts.data})${trainData.test ? `, testing on ${trainData.test.rows}` : ""}: ${desc}, batch ${batch}, ${iters} steps (${epochs} epochs of ${stepsPerEpoch}), ${settings.dtype}, ${jax ? "JAX engine" : `${backend} backend`}${exe ? threadsNote(exe) : ""}`,
    );
    if (resume) progress.note(`resuming from step ${resume.step} (${checkpointPath})`);
  }
  let interrupted = false;
  const onSigint = () => void (interrupted = true);
  process.once("SIGINT", onSigint);
  progress.start(iters, resume?.step ?? 0, epochs);
  let run: TrainResult & { devices?: number };
  const started = performance.now();
  try {
    const config: TrainConfig = {
      optimizer: settings.optimizer,
      batchSize: batch,
      iters,
      seed: settings.seed,
      weightDecay: settings.weightDecay,
      dtype: settings.dtype,
      evaluate: opts.eval !== false,
      ...(initial && { initialParams: initial }),
      ...(settings.lrSchedule && { lrSchedule: settings.lrSchedule }),
      ...(settings.warmup !== undefined && { warmup: settings.warmup }),
      ...(settings.clipNorm !== undefined && { clipNorm: settings.clipNorm }),
      ...(settings.patience !== undefined && { patience: settings.patience }),
      ...(settings.sampling !== undefined && { sampling: settings.sampling }),
    };
    const hooks: TrainHooks = {
      onStep: (s, loss, e) => progress.step(s, loss, e),
      onEpoch: (r) => progress.epoch(r),
      shouldStop: () => interrupted,
      onBest: (params) => saveParams(join(out, "best.safetensors"), g, params, { settings: JSON.stringify(settings) }),
      onCheckpoint: (cp) => saveCheckpoint(checkpointPath, g, cp, { ...settings, hyper: g.hyper }),
    };
    run = jax ? await trainWithJax(g, trainData, config, jax.python, hooks) : await trainAsync(g, exe!, trainData, config, hooks, resume);
  } catch (e) {
    progress.stop();
    if (e instanceof JaxEngineError) {
      io.err(`nnc: error: ${e.message}\n`);
      return interrupted ? 130 : 1;
    }
    if (e instanceof DivergedError) {
      io.err(`nnc: error: ${e.message}\n` + (existsSync(checkpointPath) ? `the last good checkpoint is in ${checkpointPath}\n` : ""));
      return 1;
    }
    if (e instanceof OptimizerError) throw new UsageError(e.message);
    throw e;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
  progress.stop();
  const seconds = (performance.now() - started) / 1000;
  if (!run.completed) {
    io.err(
      `nnc: interrupted at step ${run.checkpoint.step}; checkpoint saved in ${checkpointPath}; continue with: nnc train ${file} --data ${opts.data} --out ${out} --resume\n`,
    );
    return 130;
  }
  await finishRun(
    {
      g,
      settings,
      run,
      out,
      iters,
      stepsPerEpoch,
      stepsRun: iters - (resume?.step ?? 0),
      seconds,
      json: Boolean(opts.json),
      ...(run.devices !== undefined && { devices: run.devices }),
    },
    io,
  );
  return 0;
}

/** ", 2 threads" when large matmuls run on more than one thread. */
function threadsNote(exe: Executable): string {
  const n = exe.threads?.() ?? 1;
  return n > 1 ? `, ${n} threads` : "";
}
