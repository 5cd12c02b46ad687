// The training worker: imports the module the page compiled (wasm backend), loads MNIST and runs
// nnc's own training loop (src/runtime/train.ts) a chunk of steps at a time, so that a stop or a
// prediction request is answered between chunks. A stopped run keeps its checkpoint to resume.
/// <reference lib="webworker" />
import { subset, valSplit } from "../../src/runtime/data/dataset.js";
import type { Executable } from "../../src/runtime/executable.js";
import { trainSteps, type Checkpoint, type TrainConfig, type TrainData, type TrainResult } from "../../src/runtime/train.js";
import { loadMnist } from "./mnist.js";
import type { Graph, RunSettings } from "./nnc.js";
import type { FromWorker, Params, Sample, ToWorker } from "./protocol.js";

declare const self: DedicatedWorkerGlobalScope;

/** Steps between looks at the message queue: about a tenth of a second of training. */
const CHUNK_MS = 100;
const SAMPLES = 12;

interface Run {
  readonly exe: Executable;
  readonly graph: Graph;
  readonly data: TrainData;
  readonly config: TrainConfig;
  checkpoint?: Checkpoint;
  params?: Params;
}

let run: Run | undefined;
let stopping = false;
let busy = false;

const post = (m: FromWorker, transfer: Transferable[] = []) => self.postMessage(m, transfer);

async function importModule(js: string): Promise<Executable> {
  const url = URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
  try {
    return (await import(/* @vite-ignore */ url)) as Executable;
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function prepare(m: Extract<ToWorker, { type: "train" }>): Promise<Run> {
  const status = (text: string) => post({ type: "status", text });
  status("loading MNIST");
  const mnist = await loadMnist(m.mnistUrl, status);
  const s: RunSettings = m.settings;
  const all = s.trainSubset !== undefined ? subset(mnist.train, s.trainSubset) : mnist.train;
  const split = s.valSplit > 0 ? valSplit(all, s.valSplit, s.seed) : undefined;
  const data: TrainData = { train: split ? split.train : all, test: mnist.test, ...(split && { val: split.val }) };
  status("loading the compiled module");
  const exe = await importModule(m.js);
  const batchSize = Math.min(s.batchSize, data.train.rows);
  const stepsPerEpoch = Math.floor(data.train.rows / batchSize);
  const iters = s.iters ?? s.epochs! * stepsPerEpoch;
  const config: TrainConfig = { optimizer: s.optimizer, batchSize, iters, seed: s.seed, weightDecay: s.weightDecay, dtype: "f32" };
  return { exe, graph: m.graph, data, config };
}

async function train(r: Run): Promise<void> {
  stopping = false;
  const stepsPerEpoch = Math.floor(r.data.train.rows / r.config.batchSize);
  post({ type: "started", iters: r.config.iters, stepsPerEpoch, threads: r.exe.threads?.() ?? 1 });
  let pending: number[] = [];
  const steps = trainSteps(
    r.graph,
    r.exe,
    r.data,
    r.config,
    {
      onStep: (_step, loss) => void pending.push(loss),
      onEpoch: (record) => post({ type: "epoch", record }),
      shouldStop: () => stopping,
    },
    r.checkpoint,
  );
  const started = performance.now();
  const firstStep = r.checkpoint?.step ?? 0;
  let chunkStart = started;
  let result: TrainResult | undefined;
  while (!result) {
    const next = steps.next();
    if (next.done) result = next.value;
    const step = next.done ? next.value.checkpoint.step : next.value;
    const now = performance.now();
    if (result || now - chunkStart > CHUNK_MS) {
      // Over the whole run, evaluation included, as `nnc train` reports it.
      post({ type: "progress", step, losses: pending, stepsPerSecond: ((step - firstStep) * 1000) / Math.max(1, now - started) });
      pending = [];
      await new Promise((resolve) => setTimeout(resolve, 0)); // let "stop" and "predict" in
      chunkStart = performance.now();
    }
  }
  r.checkpoint = result.completed ? undefined : result.checkpoint;
  r.params = result.params;
  const samples = testSamples(r, result.params);
  const copy: Params = Object.fromEntries(Object.entries(result.params).map(([k, v]) => [k, v.slice()]));
  post({ type: "done", completed: result.completed, step: result.checkpoint.step, params: copy, samples });
}

/** The first test images with their predictions, and the first few the model gets wrong. */
function testSamples(r: Run, params: Params): Sample[] {
  const test = r.data.test!;
  const predicted = predictRows(r, params, test.x.subarray(0, 1000 * test.features), 1000);
  const pick = (i: number): Sample => ({
    pixels: Uint8Array.from(test.x.subarray(i * test.features, (i + 1) * test.features), (v) => Math.round(v * 255)),
    label: test.labels[i]!,
    predicted: predicted[i]!,
  });
  const first = Array.from({ length: SAMPLES }, (_, i) => i);
  const wrong = predicted.flatMap((p, i) => (p !== test.labels[i] && i >= SAMPLES ? [i] : [])).slice(0, SAMPLES / 3);
  return [...first, ...wrong].map(pick);
}

function predictRows(r: Run, params: Params, x: Float32Array, rows: number): number[] {
  const out = r.graph.outputs[0]!.name;
  const input = r.graph.inputs.find((i) => i.role === "input")!.name;
  const y = r.exe.predict(params, { [input]: x })[out]!;
  const width = y.length / rows;
  return Array.from({ length: rows }, (_, row) => {
    let best = 0;
    for (let c = 1; c < width; c++) if (y[row * width + c]! > y[row * width + best]!) best = c;
    return best;
  });
}

async function guarded(work: () => Promise<void>): Promise<void> {
  busy = true;
  try {
    await work();
  } catch (e) {
    post({ type: "error", message: e instanceof Error ? e.message : String(e) });
  } finally {
    busy = false;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.type === "stop") stopping = true;
  else if (m.type === "train" && !busy) void guarded(async () => train((run = await prepare(m))));
  else if (m.type === "resume" && !busy && run?.checkpoint) void guarded(() => train(run!));
  else if (m.type === "predict") {
    if (!run?.params) return post({ type: "error", message: "train the model first" });
    const out = run.graph.outputs[0]!.name;
    const input = run.graph.inputs.find((i) => i.role === "input")!.name;
    const y = Float32Array.from(run.exe.predict(run.params, { [input]: m.x })[out]!);
    post({ type: "prediction", id: m.id, y }, [y.buffer]);
  }
};
