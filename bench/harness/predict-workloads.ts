// What the predict phase (latency.ts) reads of a workload, and the models it times that have no
// training workload in WORKLOADS: their MNIST rows and initial params written as writeData
// writes a workload's (the same seeds, the same file layout), without the check against the
// training peers' layers.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fillBatch, sampleRows, type Dataset } from "../../src/runtime/data/index.js";
import { initValues } from "../../src/runtime/initializers.js";
import { createRng } from "../../src/runtime/rng.js";
import { CLASSES, FEATURES, modelGraph, type DataFiles } from "./data.js";
import { WORKLOADS, type Workload } from "./workloads.js";

/** The model, the seeds of its params and rows, and (for tfjs's dense port) its affine layers. */
export type PredictWorkload = Pick<Workload, "id" | "title" | "model" | "batchSize" | "layers" | "activation" | "seeds">;

/**
 * Predict only, until the training workload of the same id is in WORKLOADS (the conv helper is
 * adding simple-conv-net); an id that WORKLOADS has is run from there, so an entry here retires
 * itself and can then be deleted.
 */
const PREDICT_ONLY: readonly PredictWorkload[] = [
  {
    id: "simple-conv-net",
    title: "SimpleConvNet conv 30×5×5 - pool 2 - 100 - 10, ReLU (predict only)",
    model: { file: "models/simple_conv_net.nn", set: {} },
    batchSize: 100,
    layers: [
      { W: "hidden_layer.W", b: "hidden_layer.b", in: 30 * 12 * 12, out: 100 },
      { W: "scores.W", b: "scores.b", in: 100, out: 10 },
    ],
    activation: "relu",
    seeds: { init: 1, data: 2 },
  },
];

export function predictOnlyWorkloads(): PredictWorkload[] {
  return PREDICT_ONLY.filter((p) => !WORKLOADS.some((w) => w.id === p.id));
}

/** `batches` batches of MNIST rows drawn as writeData draws them, and every param's initial values. */
export function writePredictData(dir: string, w: PredictWorkload, train: Dataset, batches: number, root: string): DataFiles {
  const B = w.batchSize;
  const x = new Float32Array(batches * B * FEATURES);
  const t = new Float32Array(batches * B * CLASSES);
  const rng = createRng(w.seeds.data);
  const rows = new Int32Array(B);
  for (let k = 0; k < batches; k++) {
    sampleRows(rng, train.rows, rows);
    fillBatch(train, rows, 0, B, x.subarray(k * B * FEATURES), t.subarray(k * B * CLASSES), "onehot");
  }
  const init = initValues(modelGraph(w, root), w.seeds.init, Float64Array);
  const params: Record<string, readonly [number, number]> = {};
  let offset = 0;
  for (const [name, v] of Object.entries(init)) {
    params[name] = [offset, v.length];
    offset += v.length;
  }
  const flat = new Float64Array(offset);
  for (const [name, v] of Object.entries(init)) flat.set(v, params[name]![0]);
  const files = { x: join(dir, `${w.id}.x.f32`), t: join(dir, `${w.id}.t.f32`), init: join(dir, `${w.id}.init.f64`), batches, params };
  writeFileSync(files.x, x);
  writeFileSync(files.t, t);
  writeFileSync(files.init, flat);
  return files;
}
