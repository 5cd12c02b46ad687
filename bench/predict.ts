// Inference latency, in a process of its own: `node predict.js JOB.json` (a Job whose plan and
// files the parent wrote). The workload's model compiled as nnc train compiles it (wasm, fused
// multiply-adds where they can be had), its params adopted, then `predict(params, { x })` on a
// plain Float32Array of 1 row and of 100 rows (a deployed model answering requests), each timed
// as the protocol times a training step: warm-up, then chunks of about 50 ms, the median chunk.
// Writes { batch: { ms, p10, p90 } } as JSON to the job's result path.
import { readFileSync, writeFileSync } from "node:fs";
import { enableFma } from "../src/runtime/fma.js";
import { FEATURES, modelGraph, readData } from "./harness/data.js";
import type { Job } from "./harness/job.js";
import { compile } from "./peers/nnc.js";
import { median, quantile, time } from "./harness/protocol.js";

export const PREDICT_BATCHES = [1, 100] as const;

const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Job;
const data = readData(job.files);
enableFma();
const g = modelGraph(job.workload, job.root);
const model = await compile(g, "f32", "wasm");
const initial: Record<string, Float32Array> = {};
for (const [name, v] of Object.entries(data.init)) initial[name] = Float32Array.from(v);
const params = model.adopt ? model.adopt(initial) : initial;
const input = g.inputs.find((i) => i.role === "input")!.name;
const out: Record<number, { ms: number; p10: number; p90: number }> = {};
for (const rows of PREDICT_BATCHES) {
  // Requests are different rows each time: 50 inputs of `rows` rows, cycled.
  const inputs = Array.from({ length: 50 }, (_, k) => {
    const from = ((k * rows) % (data.x.length / FEATURES - rows)) * FEATURES;
    return { [input]: data.x.slice(from, from + rows * FEATURES) };
  });
  const first = Object.values(model.predict(params, inputs[0]!))[0]!;
  const stepper = { step: (k: number) => Object.values(model.predict(params, inputs[k]!))[0]![0]!, params: () => params };
  const timing = time(stepper, inputs.length, job.plan);
  out[rows] = { ms: median(timing.chunks), p10: quantile(timing.chunks, 0.1), p90: quantile(timing.chunks, 0.9) };
  void first;
}
writeFileSync(job.result, JSON.stringify(out));
process.exit(0);
