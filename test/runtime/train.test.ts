// The training loop on small synthetic data, through the reference interpreter: it learns,
// resumes from a checkpoint to the very same params, stops on a diverging loss, and applies
// weight decay as the book does.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeDataset, type Dataset } from "../../src/runtime/data/index.js";
import { interpreted } from "../../src/runtime/executable.js";
import { createRng } from "../../src/runtime/rng.js";
import { loadCheckpoint, saveCheckpoint } from "../../src/runtime/checkpoint.js";
import { DivergedError, train, type Checkpoint, type TrainConfig } from "../../src/runtime/train.js";
import { graphOf } from "../support/models.js";

/** Three Gaussian blobs in the plane, one per class. */
function blobs(rows: number, seed: number): Dataset {
  const rng = createRng(seed);
  const centers = [
    [2, 0],
    [-1, 1.7],
    [-1, -1.7],
  ];
  const x = new Float32Array(rows * 2);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    labels[r] = c;
    x[2 * r] = centers[c]![0]! + 0.5 * rng.normal();
    x[2 * r + 1] = centers[c]![1]! + 0.5 * rng.normal();
  }
  return makeDataset({ x, labels, features: 2, classes: 3, source: "blobs" });
}

const MODEL = `model Blobs(dropout_ratio = 0) {
  input x: [batch, 2]
  target t: onehot[batch, 3]
  param W1: [2, 8] = xavier
  param b1: [8] = zeros
  param W2: [8, 3] = xavier
  param b2: [3] = zeros
  h = dropout(tanh(x @ W1 + b1), dropout_ratio)
  output y = softmax(h @ W2 + b2)
  loss cross_entropy(y, t)
}`;

const config: TrainConfig = {
  optimizer: { name: "momentum", args: { lr: 0.1 } },
  batchSize: 30,
  iters: 60,
  seed: 3,
  weightDecay: 0,
  dtype: "f64",
};

describe("train", () => {
  const data = { train: blobs(300, 1), test: blobs(150, 2) };

  it("learns the blobs and records the book's per-epoch accuracies", () => {
    const g = graphOf(MODEL);
    const r = train(g, interpreted(g), data, config);
    expect(r.stepsPerEpoch).toBe(10);
    expect(r.history.losses).toHaveLength(60);
    expect(r.history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const last = r.history.epochs.at(-1)!;
    expect(last.testAccuracy).toBeGreaterThan(0.95);
    expect(r.history.epochs[0]!.testAccuracy).toBeLessThan(0.8);
    expect(r.history.losses.at(-1)!).toBeLessThan(r.history.losses[0]!);
  });

  it("resumes from a checkpoint (saved to disk mid-epoch) to exactly the params of an uninterrupted run", () => {
    const g = graphOf(MODEL, { set: { dropout_ratio: "0.2" } });
    const exe = interpreted(g);
    const full = train(g, exe, data, config);
    let steps = 0;
    const partial = train(g, exe, data, config, { shouldStop: () => ++steps === 25 });
    expect(partial.completed).toBe(false);
    const path = join(mkdtempSync(join(tmpdir(), "nnc-ckpt-")), "checkpoint.safetensors");
    saveCheckpoint(path, g, partial.checkpoint, { seed: 3 });
    const loaded: Checkpoint = loadCheckpoint(path, g).checkpoint;
    expect(loaded.step).toBe(25);
    const resumed = train(g, exe, data, config, {}, loaded);
    expect(resumed.completed).toBe(true);
    for (const name of Object.keys(full.params)) expect([...resumed.params[name]!]).toEqual([...full.params[name]!]);
    expect(resumed.history.losses).toEqual(full.history.losses);
  });

  it("stops on a diverging loss, naming the step and suggesting a lower learning rate", () => {
    const g = graphOf(MODEL);
    const run = () => train(g, interpreted(g), data, { ...config, optimizer: { name: "sgd", args: { lr: 1e5 } } });
    expect(run).toThrow(DivergedError);
    expect(run).toThrow(/at step \d+: the learning rate is probably too high \(--lr 100000\); try a 10x lower learning rate, --lr 10000/);
  });

  it("adds ½λ‖W‖² to the loss and λW to the weights' gradients, not to the biases'", () => {
    const g = graphOf(MODEL);
    const exe = interpreted(g);
    const one = { ...config, optimizer: { name: "sgd", args: { lr: 1 } }, iters: 1 };
    const plain = train(g, exe, data, one);
    const decayed = train(g, exe, data, { ...one, weightDecay: 0.1 });
    const init = exe.init(3);
    const sq = (a: Float64Array | Float32Array) => Array.from(a).reduce((s, v) => s + v * v, 0);
    expect(decayed.history.losses[0]! - plain.history.losses[0]!).toBeCloseTo(0.05 * (sq(init.W1!) + sq(init.W2!)), 10);
    // With lr 1, the decayed step moves each weight by a further -0.1·W; biases move alike.
    init.W1!.forEach((w, i) => expect(decayed.params.W1![i]! - plain.params.W1![i]!).toBeCloseTo(-0.1 * w, 10));
    expect([...decayed.params.b1!]).toEqual([...plain.params.b1!]);
  });
});
