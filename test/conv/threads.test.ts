// The wasm conv and pooling kernels on one thread and on two: a job over the images (conv2d and
// both its gradients) is cut into chunks fixed by the batch alone, and pooling's planes are
// whole on one thread, so two threads must give one thread's bits: loss, every gradient (the
// filter gradient's per-chunk partial sums included) and predict. Batches large enough to be
// shared (100, 64 images) and uneven chunks (37 images: 5 per chunk and a short last one).
import { afterEach, describe, expect, it } from "vitest";
import { compileToString, load, type CompiledModel } from "../../src/codegen/index.js";
import { graphOf, graphOfFile, MODELS_DIR } from "../support/models.js";

// Every conv op and pooling op with a wasm kernel: the input gradient (conv 2), padding,
// stride 2, overlapping max-pool windows, average pooling.
const SMALL = `
model ConvThreads() {
  input x: [batch, 1, 28, 28]
  target t: onehot[batch, 10]
  param W1: [8, 1, 3, 3] = he
  param b1: [8, 1, 1] = zeros
  param W2: [8, 8, 3, 3] = he
  param b2: [8, 1, 1] = zeros
  param W3: [392, 10] = he
  h1 = max_pool(relu(conv2d(x, W1, stride = 1, pad = 1) + b1), size = 3, stride = 1, pad = 1)
  h2 = avg_pool(relu(conv2d(h1, W2, stride = 2, pad = 1) + b2), size = 2, stride = 2)
  scores = flatten(h2) @ W3
  output y = softmax(scores)
  loss softmax_cross_entropy(scores, t)
}
`;

let instances = 0;
/** A fresh instance of the module (its own arena and threads) with NNC_THREADS = threads. */
async function fresh(text: string, threads: number): Promise<CompiledModel> {
  process.env.NNC_THREADS = String(threads);
  const m = await load(`${text}\n// instance ${++instances}\n`);
  expect(m.threads()).toBe(threads);
  return m;
}

function batchOf(rows: number, seed: number): { x: Float32Array; t: Float32Array } {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const x = Float32Array.from({ length: rows * 784 }, rand);
  const t = new Float32Array(rows * 10);
  for (let r = 0; r < rows; r++) t[r * 10 + ((r * 7 + seed) % 10)] = 1;
  return { x, t };
}

const bits = (r: { loss: number; grads: Record<string, Float32Array | Float64Array> }) => ({
  loss: r.loss,
  grads: Object.fromEntries(Object.entries(r.grads).map(([k, v]) => [k, Array.from(v)])),
});

afterEach(() => {
  delete process.env.NNC_THREADS;
});

describe("wasm conv and pooling kernels: two threads give one thread's bits", () => {
  const cases = [
    {
      name: "simple_conv_net.nn",
      text: () => compileToString(graphOfFile(`${MODELS_DIR}/simple_conv_net.nn`), { backend: "wasm" }),
      batches: [100, 37],
    },
    {
      name: "conv2d's input gradient, padding, stride 2, overlapping max pool, avg pool",
      text: () => compileToString(graphOf(SMALL), { backend: "wasm" }),
      batches: [64, 37, 3],
    },
  ];
  for (const { name, text, batches } of cases) {
    it(name, async () => {
      const source = text();
      const [one, two] = [await fresh(source, 1), await fresh(source, 2)];
      for (const rows of batches) {
        const batch = batchOf(rows, rows);
        const [p1, p2] = [one.adopt(one.init(1)), two.adopt(two.init(1))];
        const r1 = bits(one.lossAndGrads(p1, batch));
        expect(bits(two.lossAndGrads(p2, batch)), `batch ${rows}`).toEqual(r1);
        // Not a vacuous match: every gradient has a nonzero entry.
        for (const [k, g] of Object.entries(r1.grads))
          expect(
            g.some((v) => v !== 0),
            `${k} at batch ${rows}`,
          ).toBe(true);
        expect(Array.from(two.predict(p2, { x: batch.x }).y!)).toEqual(Array.from(one.predict(p1, { x: batch.x }).y!));
      }
    });
  }
});
