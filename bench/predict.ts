// Inference latency of one peer, in a process of its own: `node predict.js JOB.json` (a PredictJob
// whose plan and files the parent wrote; its `peer` is a PREDICT_RUNS id, bench/harness/latency.ts).
// The peer gets the workload's model and initial params (float32), then predicts the model's
// output on 1 row and on 100 rows (a deployed model answering requests: 50 different inputs,
// cycled), each timed as the protocol times a training step: warm-up, then chunks of about
// 50 ms, the median chunk. Before timing, its outputs on the first CHECK_INPUTS inputs of each
// size are compared with nnc's (written by nnc's run, which comes first).
// Writes a PredictResult ({ byBatch: { ms, p10, p90 }, wrong?, info }) to the job's result path.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { FEATURES, modelGraph, readData } from "./harness/data.js";
import { PREDICT_RUNS, type BatchLatency, type PredictJob, type PredictResult } from "./harness/latency.js";
import { median, quantile, time, type Plan, type Stepper } from "./harness/protocol.js";
import type { Predictor } from "./peers/predictor.js";

export const PREDICT_BATCHES = [1, 100] as const;
const INPUTS = 50;
const CHECK_INPUTS = 5;
/**
 * Float32 on both sides, summed in different orders (a 784-term dot product, a 5×5 convolution):
 * |a - b| <= 1e-5 + 1e-4·|b| on the output probabilities, ~10x above the differences the ONNX
 * export tests see between nnc and onnxruntime on these models (test/onnx/support.ts).
 */
const ATOL = 1e-5;
const RTOL = 1e-4;

/** The first element outside the tolerance, described; undefined when all agree. */
function disagreement(actual: Float32Array, expected: readonly number[]): string | undefined {
  if (actual.length !== expected.length) return `${actual.length} outputs, nnc gives ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= ATOL + RTOL * Math.abs(expected[i]!))) return `output ${i} is ${actual[i]}, nnc gives ${expected[i]}`;
  }
  return undefined;
}

/** The protocol's timing (protocol.ts `time`) for an asynchronous call: each call awaited. */
async function timeAsync(call: (k: number) => Promise<unknown>, inputs: number, plan: Plan): Promise<number[]> {
  let step = 0;
  const t0 = performance.now();
  while (step < 2 || (step < plan.warmupSteps && performance.now() - t0 < plan.warmupSeconds * 1000)) await call(step++ % inputs);
  const chunkSteps = Math.max(1, Math.round(plan.chunkMs / Math.max((performance.now() - t0) / step, 1e-3)));
  const chunks: number[] = [];
  const start = performance.now();
  let timed = 0;
  for (;;) {
    const c0 = performance.now();
    for (let i = 0; i < chunkSteps; i++) await call(step++ % inputs);
    const c1 = performance.now();
    chunks.push((c1 - c0) / chunkSteps);
    timed += chunkSteps;
    const seconds = (c1 - start) / 1000;
    if ((timed >= plan.minSteps && seconds >= plan.minSeconds) || seconds >= plan.maxSeconds) return chunks;
  }
}

async function timeRows(p: Predictor, inputs: readonly Float32Array[], rows: number, plan: Plan): Promise<number[]> {
  // Probe the call's kind once: a peer's predict is synchronous or not for every call.
  if (!(p.predict(inputs[0]!, rows) instanceof Promise)) {
    const stepper: Stepper = { step: (k) => (p.predict(inputs[k]!, rows) as Float32Array)[0]!, params: () => ({}) };
    return [...time(stepper, inputs.length, plan).chunks];
  }
  return timeAsync((k) => p.predict(inputs[k]!, rows) as Promise<Float32Array>, inputs.length, plan);
}

async function main(job: PredictJob): Promise<PredictResult> {
  const run = PREDICT_RUNS.find((r) => r.id === job.peer);
  if (!run) throw new Error(`no predict run '${job.peer}'`);
  const data = readData(job.files);
  const graph = modelGraph(job.workload, job.root);
  const params: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(data.init)) params[name] = Float32Array.from(v);
  const inputShape = graph.inputs.find((i) => i.role === "input")!.shape.slice(1).map(Number);
  const predictor = await (await run.load(job.workload))({ graph, params, inputShape, onnx: job.onnx });
  const rowsIn = data.x.length / FEATURES;
  if (!job.writesReference && !existsSync(job.reference)) throw new Error("no outputs of nnc's to check against: nnc's run failed");
  const reference: Record<string, number[][]> = job.writesReference ? {} : (JSON.parse(readFileSync(job.reference, "utf8")) as Record<string, number[][]>);
  const byBatch: Record<string, BatchLatency> = {};
  let wrong: string | undefined;
  for (const rows of PREDICT_BATCHES) {
    const inputs = Array.from({ length: INPUTS }, (_, k) => {
      const from = ((k * rows) % (rowsIn - rows)) * FEATURES;
      return data.x.slice(from, from + rows * FEATURES);
    });
    const outputs: number[][] = [];
    for (let k = 0; k < CHECK_INPUTS; k++) outputs.push(Array.from(await predictor.predict(inputs[k]!, rows)));
    if (job.writesReference) reference[rows] = outputs;
    else wrong ??= outputs.map((o, k) => disagreement(Float32Array.from(o), reference[rows]![k]!)).find((d) => d !== undefined);
    const chunks = await timeRows(predictor, inputs, rows, job.plan);
    byBatch[rows] = { ms: median(chunks), p10: quantile(chunks, 0.1), p90: quantile(chunks, 0.9) };
  }
  if (job.writesReference) writeFileSync(job.reference, JSON.stringify(reference));
  await predictor.dispose?.();
  return { byBatch, info: predictor.info, ...(wrong !== undefined && { wrong }) };
}

const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as PredictJob;
let result: PredictResult & { error?: string };
try {
  result = await main(job);
} catch (e) {
  result = { error: e instanceof Error ? e.message : String(e) };
}
writeFileSync(job.result, JSON.stringify(result));
// tfjs-wasm and onnxruntime-web's threads keep the event loop alive; the result is written.
process.exit(0);
