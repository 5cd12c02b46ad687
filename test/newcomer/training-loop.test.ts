// Issue 13.9: the training loop people expect, in the train { } section and as flags: learning-
// rate schedules with warm-up, gradient clipping by norm, early stopping on the validation
// accuracy keeping best.safetensors, and the book's sampling with replacement.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Batches, makeDataset } from "../../src/runtime/data/index.js";
import { interpreted, type Params } from "../../src/runtime/executable.js";
import { registerOptimizer } from "../../src/runtime/optimizer-registry.js";
import { createRng } from "../../src/runtime/rng.js";
import { learningRate } from "../../src/runtime/schedule.js";
import { train, type TrainConfig } from "../../src/runtime/train.js";
import { clipByNorm } from "../../src/runtime/train-loop.js";
import { classifier, csvRows, nnc, scratch } from "../support/cli.js";
import { graphOf } from "../support/models.js";

const run = { iters: 40, stepsPerEpoch: 10 };

describe("learning-rate schedules", () => {
  it("step, exponential and cosine give the lr PyTorch's schedulers give", () => {
    const step = learningRate({ name: "step", args: { every: 2, gamma: 0.5 } }, 0, 0.1, run);
    expect([0, 19, 20, 39].map(step)).toEqual([0.1, 0.1, 0.05, 0.05]);
    const exp = learningRate({ name: "exponential", args: { gamma: 0.5 } }, 0, 0.1, run);
    expect([0, 9, 10, 25].map(exp)).toEqual([0.1, 0.1, 0.05, 0.025]);
    const cos = learningRate({ name: "cosine", args: { min_lr: 0.01 } }, 0, 0.1, run);
    expect(cos(0)).toBeCloseTo(0.1, 12);
    expect(cos(20)).toBeCloseTo(0.055, 12); // halfway: the mean of lr and min_lr
    expect(cos(40)).toBeCloseTo(0.01, 12);
  });

  it("warm-up rises linearly over its steps, then the schedule starts", () => {
    const lr = learningRate({ name: "cosine", args: {} }, 4, 0.1, run);
    expect([0, 1, 3].map(lr)).toEqual([0.025, 0.05, 0.1]);
    expect(lr(4)).toBeCloseTo(0.1, 12);
    expect(lr(22)).toBeCloseTo(0.05, 12); // halfway through the 36 steps after warm-up
  });
});

const MODEL = `model Blobs {
  input x: [batch, 2]
  target t: onehot[batch, 3]
  param W: [2, 3] = xavier
  param b: [3] = zeros
  output y = softmax(x @ W + b)
  loss cross_entropy(y, t)
}`;

function data(rows: number) {
  const rng = createRng(5);
  const x = Float32Array.from({ length: rows * 2 }, () => rng.normal());
  const labels = Int32Array.from({ length: rows }, (_, i) => i % 3);
  return makeDataset({ x, labels, features: 2, classes: 3, source: "blobs" });
}

/** An optimizer that records the lr it was made with at each update and the gradients' norm, and takes SGD steps. */
const seen: { lr: number; norm: number }[] = [];
registerOptimizer("recording", (args) => ({
  init: () => ({}),
  update(params: Params, grads: Readonly<Params>, state) {
    let sq = 0;
    for (const k in grads) for (const v of grads[k]!) sq += v * v;
    seen.push({ lr: args.lr!, norm: Math.sqrt(sq) });
    for (const k in params) params[k]!.forEach((w, i, p) => (p[i] = w - args.lr! * grads[k]![i]!));
    return state;
  },
}));

describe("the loop", () => {
  const g = graphOf(MODEL);
  const config: TrainConfig = {
    optimizer: { name: "recording", args: { lr: 0.5 } },
    batchSize: 10,
    iters: 30,
    seed: 1,
    weightDecay: 0,
    dtype: "f64",
  };

  it("updates with the scheduled lr at every step, whatever the optimizer", () => {
    seen.length = 0;
    train(g, interpreted(g), { train: data(100) }, { ...config, lrSchedule: { name: "step", args: { every: 1, gamma: 0.1 } }, warmup: 5 });
    const expected = learningRate({ name: "step", args: { every: 1, gamma: 0.1 } }, 5, 0.5, { iters: 30, stepsPerEpoch: 10 });
    expect(seen.map((s) => s.lr)).toEqual(Array.from({ length: 30 }, (_, s) => expected(s)));
  });

  it("clips the gradients to the given global norm", () => {
    seen.length = 0;
    train(g, interpreted(g), { train: data(100) }, { ...config, clipNorm: 0.01 });
    expect(seen).toHaveLength(30);
    for (const s of seen) expect(s.norm).toBeLessThanOrEqual(0.01 * (1 + 1e-12)); // float64 rounding of the scaled sum
    const grads = { a: new Float64Array([3, 0]), b: new Float64Array([4]) };
    expect(clipByNorm(grads, ["a", "b"], 1)).toBe(5);
    [0.6, 0, 0.8].forEach((v, i) => expect([...grads.a, ...grads.b][i]).toBeCloseTo(v, 15)); // 3·(1/5) rounds in float64
  });

  it("stops early when the validation accuracy stops improving, and reports the best epoch", () => {
    const best: number[] = [];
    const r = train(
      g,
      interpreted(g),
      { train: data(100), val: data(30) },
      { ...config, optimizer: { name: "sgd", args: { lr: 1e-12 } }, iters: 100, patience: 2 },
      { onBest: (_p, rec) => best.push(rec.epoch) },
    );
    // An lr of 1e-12 changes nothing: epoch 1 is the best, epochs 2 and 3 do not improve.
    expect(r.stoppedEarly).toBe(3);
    expect(best).toEqual([1]);
    expect(r.history.epochs.at(-1)!.epoch).toBe(3);
  });
});

describe("sampling with replacement (the book's np.random.choice)", () => {
  it("draws rows independently, so an epoch repeats some and misses others, reproducibly", () => {
    const ds = data(100);
    const epoch = (replacement: boolean) => {
      const b = new Batches(ds, { batchSize: 100, target: "index", rng: createRng(7), replacement });
      b.next();
      return [...b.x];
    };
    const rows = (x: number[]) => new Set(Array.from({ length: 100 }, (_, i) => `${x[2 * i]},${x[2 * i + 1]}`)).size;
    expect(rows(epoch(false))).toBe(100);
    expect(rows(epoch(true))).toBeLessThan(80); // 100·(1 - 1/e) ≈ 63 distinct rows expected
    expect(epoch(true)).toEqual(epoch(true));
  });
});

describe("nnc train with the loop's settings", () => {
  const t = scratch("nnc-loop-");
  const csv = t.put("d.csv", csvRows(60, 3));

  it("early stopping in the train section writes best.safetensors and says so", async () => {
    const model = t.put(
      "m.nn",
      classifier(3, "\n    val_split = 0.25\n    patience = 1\n    lr_schedule = cosine\n    clip_norm = 1", "Loop")
        .replace("epochs = 3", "epochs = 50")
        .replace("adam(lr = 0.05)", "sgd(lr = 1e-9)"),
    );
    const out = join(t.dir, "run");
    const r = await nnc("train", model, "--data", csv, "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "stopped early after epoch 2: the validation accuracy has not improved for 1 epochs (best.safetensors holds the best params)",
    );
    expect(existsSync(join(out, "best.safetensors"))).toBe(true);
    const settings = JSON.parse(readFileSync(join(out, "settings.json"), "utf8")).settings;
    expect(settings).toMatchObject({ patience: 1, clipNorm: 1, lrSchedule: { name: "cosine", args: {} } });
  });

  it("as flags, checked as usage errors", async () => {
    const model = t.put("f.nn", classifier(3));
    const ok = await nnc(
      "train",
      model,
      "--data",
      csv,
      "--out",
      join(t.dir, "flags"),
      "--json",
      "--lr-schedule",
      "step(every = 1, gamma = 0.5)",
      "--warmup",
      "3",
      "--clip-norm",
      "2",
      "--sampling",
      "with_replacement",
    );
    expect(ok.err).toBe("");
    expect(ok.code).toBe(0);
    const bad = await nnc("train", model, "--data", csv, "--lr-schedule", "cosin");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`unknown learning-rate schedule "cosin"`);
    const noVal = await nnc("train", model, "--data", csv, "--patience", "2");
    expect(noVal.code).toBe(2);
    expect(noVal.err).toContain(
      "early stopping (patience 2) watches the validation accuracy: give a validation split, e.g. --val-split 0.1",
    );
  });
});
