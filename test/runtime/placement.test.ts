// Datasets in a wasm executable's memory: decoded there by arenaAllocator (as `nnc train` loads
// MNIST), evaluation and the batches read them in place, and the run is the same as from plain arrays.
import { describe, expect, it } from "vitest";
import { makeDataset, type Dataset } from "../../src/runtime/data/index.js";
import { executableFor } from "../../src/runtime/backend.js";
import { arenaAllocator, inMemoryOf, placed } from "../../src/runtime/placement.js";
import { createRng } from "../../src/runtime/rng.js";
import { train, type TrainConfig, type TrainResult } from "../../src/runtime/train.js";
import { graphOf } from "../support/models.js";

const MODEL = `model Net {
  input x: [batch, 6]
  target t: onehot[batch, 3]
  param W1: [6, 8] = xavier
  param b1: [8] = zeros
  param W2: [8, 3] = xavier
  param b2: [3] = zeros
  output y = softmax(sigmoid(x @ W1 + b1) @ W2 + b2)
  loss cross_entropy(y, t)
}`;

/** Rows of 6 features whose label is the largest of the first three; x comes from `allocate`. */
function data(rows: number, seed: number, allocate: (n: number) => Float32Array): Dataset {
  const rng = createRng(seed);
  const x = allocate(rows * 6);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < 6; f++) x[r * 6 + f] = rng.normal();
    labels[r] = [0, 1, 2].reduce((best, c) => (x[r * 6 + c]! > x[r * 6 + best]! ? c : best), 0);
  }
  return makeDataset({ x, labels, features: 6, classes: 3, source: "toy" });
}

const config: TrainConfig = {
  optimizer: { name: "sgd", args: { lr: 0.5 } },
  batchSize: 20,
  iters: 50,
  seed: 4,
  weightDecay: 0,
  dtype: "f32",
  sampling: "with_replacement",
};

/** A run's losses and epoch records without their times. */
const untimed = (r: TrainResult) => ({ losses: r.history.losses, epochs: r.history.epochs.map((e) => ({ ...e, seconds: 0 })) });

describe("datasets in the executable's memory", () => {
  it("arenaAllocator makes arrays there, which placed() then takes as they are", async () => {
    const g = graphOf(MODEL);
    const { exe } = await executableFor(g, { dtype: "f32", backend: "wasm" });
    const allocate = arenaAllocator(exe)!;
    expect(allocate).toBeDefined();
    const ds = data(30, 1, allocate);
    expect(ds.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(inMemoryOf(exe, ds)).toBe(true);
    expect(placed(exe, ds)).toBe(ds);
    const plain = data(30, 1, (n) => new Float32Array(n));
    expect(inMemoryOf(exe, plain)).toBe(false);
    const copy = placed(exe, plain);
    expect(copy.x).not.toBe(plain.x);
    expect(inMemoryOf(exe, copy)).toBe(true);
    expect(Array.from(copy.x)).toEqual(Array.from(plain.x));
  });

  it("a run on data decoded there equals the run on plain arrays, with or without evaluation", async () => {
    const g = graphOf(MODEL);
    const run = async (inArena: boolean, evaluate: boolean) => {
      const { exe } = await executableFor(g, { dtype: "f32", backend: "wasm" });
      const allocate = inArena ? arenaAllocator(exe)! : (n: number) => new Float32Array(n);
      return train(g, exe, { train: data(200, 1, allocate), test: data(50, 2, allocate) }, { ...config, evaluate });
    };
    for (const evaluate of [true, false]) {
      const plain = await run(false, evaluate);
      const arena = await run(true, evaluate);
      expect(untimed(arena)).toEqual(untimed(plain));
      for (const [name, p] of Object.entries(plain.params)) expect(Array.from(arena.params[name]!)).toEqual(Array.from(p));
    }
  });
});
