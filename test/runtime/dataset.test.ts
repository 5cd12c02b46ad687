// Dataset helpers: seeded shuffles, validation split, subset, and mini-batches into caller buffers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Batches,
  DataError,
  fillBatch,
  makeDataset,
  permutation,
  sampleRows,
  shuffled,
  subset,
  valSplit,
  type Dataset,
} from "../../src/runtime/data/index.js";
import { createRng, rngFromState } from "../../src/runtime/rng.js";

/** n rows of 2 features; row r is [r, -r] with label r % 3, so every row is recognisable. */
function toy(n: number): Dataset {
  const x = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    x[2 * r] = r;
    x[2 * r + 1] = -r;
    labels[r] = r % 3;
  }
  return makeDataset({ x, labels, features: 2, source: "toy" });
}

const rowIds = (ds: Dataset) => Array.from({ length: ds.rows }, (_, i) => ds.x[2 * i]!);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe("shuffling", () => {
  it("a seeded permutation: every index once, the same for the same seed, different for another", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), (n, seed) => {
        const p = Array.from(permutation(n, createRng(seed)));
        expect(sorted(p)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(Array.from(permutation(n, createRng(seed)))).toEqual(p);
      }),
    );
    expect(Array.from(permutation(50, createRng(1)))).not.toEqual(Array.from(permutation(50, createRng(2))));
  });

  it("shuffled keeps each row with its label", () => {
    const ds = shuffled(toy(30), 7);
    for (let i = 0; i < ds.rows; i++) expect([ds.x[2 * i + 1], ds.labels[i]]).toEqual([-ds.x[2 * i]!, ds.x[2 * i]! % 3]);
    expect(sorted(rowIds(ds))).toEqual(rowIds(toy(30)));
  });
});

describe("valSplit and subset", () => {
  it("holds out floor(rows * fraction) random rows, disjoint from training, reproducibly", () => {
    const { train, val } = valSplit(toy(100), 0.2, 3);
    expect([train.rows, val.rows]).toEqual([80, 20]);
    expect(sorted([...rowIds(train), ...rowIds(val)])).toEqual(rowIds(toy(100)));
    expect(valSplit(toy(100), 0.2, 3).val).toEqual(val);
    expect(rowIds(val)).not.toEqual(rowIds(toy(100)).slice(0, 20));
    expect([train.classes, val.classes, val.source]).toEqual([3, 3, "toy (validation)"]);
  });

  it("rejects fractions that leave a side empty, saying what works", () => {
    expect(() => valSplit(toy(10), 1.5, 0)).toThrow(
      /toy: the validation fraction must be a number between 0 and 1 \(exclusive\), got 1.5; try 0.2/,
    );
    expect(() => valSplit(toy(10), 0.05, 0)).toThrow(DataError);
    expect(() => valSplit(toy(10), 0.05, 0)).toThrow(/leaves no validation rows/);
  });

  it("subset is the first n rows (the book's x_train[:300]), as views", () => {
    const all = toy(10);
    const s = subset(all, 4);
    expect([s.rows, rowIds(s), Array.from(s.labels)]).toEqual([4, [0, 1, 2, 3], [0, 1, 2, 0]]);
    expect(s.x.buffer).toBe(all.x.buffer);
    expect(() => subset(all, 11)).toThrow(/a subset of 11 rows asks for more than the 10 rows there are/);
    expect(() => subset(all, 0)).toThrow(/whole number of rows >= 1, got 0/);
  });
});

describe("mini-batches", () => {
  it("fillBatch writes one-hot or index targets into the caller's buffers (float32 or float64)", () => {
    const ds = toy(5);
    const x = new Float64Array(6);
    const onehot = new Float32Array(9).fill(7);
    fillBatch(ds, Int32Array.from([4, 0, 2]), 0, 3, x, onehot, "onehot");
    expect(Array.from(x)).toEqual([4, -4, 0, -0, 2, -2]);
    expect(Array.from(onehot)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    const index = new Int32Array(2);
    fillBatch(ds, Int32Array.from([4, 0, 2]), 1, 2, x, index, "index");
    expect(Array.from(index)).toEqual([0, 2]);
    expect(() => fillBatch(ds, Int32Array.from([0, 1, 2]), 0, 3, new Float32Array(4), index, "index")).toThrow(
      /x holds 4 values, a batch of 3 needs 6/,
    );
  });

  it("batches from a dataset and buffers in one shared memory (oneMemory) equal those copied between buffers, after the memory grew too", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const x = new Float32Array(memory.buffer, 64, 8);
    memory.grow(1); // the rows' view is of the newer, longer buffer object
    const plain = toy(10);
    const rows = new Float32Array(memory.buffer, 65536 + 16, plain.x.length);
    rows.set(plain.x);
    const there = { ...plain, x: rows };
    const options = { batchSize: 4, target: "onehot", rng: createRng(5), replacement: true } as const;
    const shared = new Batches(there, { ...options, x, oneMemory: true });
    const apart = new Batches(plain, { ...options, rng: createRng(5) });
    for (let i = 0; i < 3; i++) {
      expect(shared.next()).toBe(apart.next());
      expect(Array.from(shared.x)).toEqual(Array.from(apart.x));
      expect(Array.from(shared.t)).toEqual(Array.from(apart.t));
    }
    expect(Array.from(rows)).toEqual(Array.from(plain.x)); // the rows themselves untouched
  });

  it("an epoch visits every row once, in batches that reuse the same buffers; the last may be short", () => {
    const ds = toy(10);
    const x = new Float32Array(8);
    const t = new Float32Array(12);
    const batches = new Batches(ds, { batchSize: 4, target: "onehot", rng: createRng(5), x, t });
    expect(batches.perEpoch).toBe(3);
    const seen: number[] = [];
    const sizes: number[] = [];
    for (let n = batches.next(); n > 0; n = batches.next()) {
      expect(batches.x).toBe(x);
      expect(batches.t).toBe(t);
      sizes.push(n);
      for (let i = 0; i < n; i++) {
        seen.push(x[2 * i]!);
        expect(t[3 * i + (x[2 * i]! % 3)]).toBe(1);
      }
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect(sorted(seen)).toEqual(rowIds(ds));
    expect(seen).not.toEqual(rowIds(ds));
  });

  it("reshuffles each epoch; dropLast skips the short batch; no rng keeps the data's order", () => {
    const ds = toy(10);
    const epoch = (b: Batches) => {
      const rows: number[] = [];
      for (let n = b.next(); n > 0; n = b.next()) for (let i = 0; i < n; i++) rows.push(b.x[2 * i]!);
      return rows;
    };
    const shuffling = new Batches(ds, { batchSize: 3, target: "index", rng: createRng(9) });
    expect(epoch(shuffling)).not.toEqual(epoch(shuffling));
    const dropping = new Batches(ds, { batchSize: 3, target: "index", dropLast: true });
    expect(dropping.perEpoch).toBe(3);
    expect(epoch(dropping)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("a Batches made from the rng state saved at an epoch's end goes on with the same orders (for --resume)", () => {
    const ds = toy(17);
    const epoch = (b: Batches) => {
      const rows: number[] = [];
      for (let n = b.next(); n > 0; n = b.next()) for (let i = 0; i < n; i++) rows.push(b.x[2 * i]!);
      return rows;
    };
    const rng = createRng(11);
    const straight = new Batches(ds, { batchSize: 5, target: "index", rng });
    epoch(straight);
    const saved = rng.state();
    const next = [epoch(straight), epoch(straight)];
    const resumed = new Batches(ds, { batchSize: 5, target: "index", rng: rngFromState(saved) });
    expect([epoch(resumed), epoch(resumed)]).toEqual(next);
  });

  it("sampleRows draws with replacement, as the book's np.random.choice", () => {
    const rows = Array.from(sampleRows(createRng(2), 5, new Int32Array(200)));
    expect(rows.every((r) => r >= 0 && r < 5)).toBe(true);
    expect(new Set(rows).size).toBe(5);
  });

  it("rejects a bad batch size with the book's value as a hint", () => {
    expect(() => new Batches(toy(3), { batchSize: 0, target: "index" })).toThrow(
      /batch size must be a whole number >= 1, got 0; the book uses 100/,
    );
  });
});
