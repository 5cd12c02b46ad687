// Mini-batches into caller-provided buffers: a training step allocates no typed arrays, it only
// copies rows. Targets are one-hot rows (`target t: onehot[batch, k]`) or class indices
// (`target t: index[batch]`), as the model's target declares.
import type { Rng } from "../rng.js";
import type { Dataset } from "./dataset.js";
import { shuffleInPlace } from "./dataset.js";

export type TargetKind = "onehot" | "index";
export type FloatBuffer = Float32Array | Float64Array;
export type TargetBuffer = Float32Array | Float64Array | Int32Array;

/** The number of target values per row: `classes` for one-hot, 1 for an index. */
export function targetWidth(ds: Dataset, target: TargetKind): number {
  return target === "onehot" ? ds.classes : 1;
}

/** Copies the dataset's row r to row i of a batch. */
export type RowCopy = (r: number, i: number) => void;

/**
 * How rows of `src` reach `x` (rows of `features` values). When both are views of one shared
 * memory (`oneMemory`: the caller knows, e.g. an executable's arena holding the dataset and its
 * batch buffers), a row moves within it by copyWithin, somewhat faster than set() between two
 * buffers (100 random MNIST rows: 80-105 us against 90-125, on a busy machine; both are bound by
 * reading the rows from memory); otherwise set() of a row's view, at memcpy speed.
 */
export function rowCopy(src: Float32Array, x: FloatBuffer, features: number, oneMemory = false): RowCopy {
  const f = features;
  if (oneMemory && x instanceof Float32Array && src.buffer instanceof SharedArrayBuffer && x.buffer instanceof SharedArrayBuffer) {
    // A shared memory that grew has a newer, longer buffer object; the longer covers both views.
    const whole = new Float32Array(src.buffer.byteLength >= x.buffer.byteLength ? src.buffer : x.buffer);
    const from = src.byteOffset / 4;
    const to = x.byteOffset / 4;
    return (r, i) => void whole.copyWithin(to + i * f, from + r * f, from + r * f + f);
  }
  return (r, i) => void x.set(src.subarray(r * f, r * f + f), i * f);
}

/**
 * Copies rows order[start], ..., order[start + count - 1] of ds into x (count x features) and
 * their targets into t. Buffers may be larger than needed; only the first `count` rows are written.
 */
export function fillBatch(
  ds: Dataset,
  order: Int32Array,
  start: number,
  count: number,
  x: FloatBuffer,
  t: TargetBuffer,
  target: TargetKind,
  copy: RowCopy = rowCopy(ds.x, x, ds.features),
): void {
  const f = ds.features;
  const width = targetWidth(ds, target);
  if (start < 0 || start + count > order.length)
    throw new RangeError(`fillBatch: rows ${start}..${start + count} are outside the order's ${order.length}`);
  if (x.length < count * f) throw new RangeError(`fillBatch: x holds ${x.length} values, a batch of ${count} needs ${count * f}`);
  if (t.length < count * width) throw new RangeError(`fillBatch: t holds ${t.length} values, a batch of ${count} needs ${count * width}`);
  if (target === "onehot") t.fill(0, 0, count * width);
  for (let i = 0; i < count; i++) {
    const r = order[start + i]!;
    copy(r, i);
    const label = ds.labels[r]!;
    if (target === "onehot") t[i * width + label] = 1;
    else t[i] = label;
  }
}

/** Row indices drawn uniformly with replacement, as the book's `np.random.choice(train_size, batch_size)`. */
export function sampleRows(rng: Rng, rows: number, out: Int32Array): Int32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.int(rows);
  return out;
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly target: TargetKind;
  /** Reshuffles the rows at every epoch when given; the data's order otherwise. */
  readonly rng?: Rng;
  /** Skip a last batch smaller than batchSize (default false). */
  readonly dropLast?: boolean;
  /** Draw each epoch's rows with replacement (the book's np.random.choice) instead of a shuffle; needs an rng. */
  readonly replacement?: boolean;
  /** Buffers to fill (batchSize x features, batchSize x target width); allocated once if omitted. */
  readonly x?: FloatBuffer;
  readonly t?: TargetBuffer;
  /** x and the dataset's rows are views of one shared memory (see rowCopy). */
  readonly oneMemory?: boolean;
}

/**
 * Epochs of mini-batches over a dataset:
 *
 *   const batches = new Batches(train, { batchSize: 100, target: "onehot", rng: createRng(seed) });
 *   for (let epoch = 0; epoch < epochs; epoch++) {
 *     for (let n = batches.next(); n > 0; n = batches.next()) step(batches.x, batches.t, n);
 *   }
 *
 * next() returns 0 once at the end of each epoch; the call after that starts the next epoch
 * (reshuffled). Each epoch's order is a shuffle of 0..rows-1 drawn from the rng alone, so a
 * Batches made with an rng restored from the state saved when next() returned 0 goes on with
 * the same orders as an uninterrupted run (for --resume).
 */
export class Batches {
  readonly x: FloatBuffer;
  readonly t: TargetBuffer;
  readonly batchSize: number;
  private readonly order: Int32Array;
  private readonly copy: RowCopy;
  private position = 0;
  private ended = false;

  constructor(
    readonly dataset: Dataset,
    private readonly options: BatchOptions,
  ) {
    const { batchSize, target } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batch size must be a whole number >= 1, got ${batchSize}; the book uses 100`);
    this.batchSize = batchSize;
    this.x = options.x ?? new Float32Array(batchSize * dataset.features);
    this.t = options.t ?? (target === "onehot" ? new Float32Array(batchSize * dataset.classes) : new Int32Array(batchSize));
    if (this.x.length < batchSize * dataset.features)
      throw new RangeError(`the x buffer holds ${this.x.length} values, a batch needs ${batchSize * dataset.features}`);
    if (this.t.length < batchSize * targetWidth(dataset, target))
      throw new RangeError(`the t buffer holds ${this.t.length} values, a batch needs ${batchSize * targetWidth(dataset, target)}`);
    this.order = new Int32Array(dataset.rows);
    this.copy = rowCopy(dataset.x, this.x, dataset.features, options.oneMemory);
    this.reset();
  }

  /** Batches in one epoch. */
  get perEpoch(): number {
    const whole = Math.floor(this.dataset.rows / this.batchSize);
    return this.options.dropLast || this.dataset.rows % this.batchSize === 0 ? whole : whole + 1;
  }

  /** Starts an epoch: back to the first row, reshuffled when an rng was given. */
  reset(): void {
    this.position = 0;
    this.ended = false;
    // From the identity each time, so an epoch's order depends on the rng's state alone.
    const rng = this.options.rng;
    if (this.options.replacement && rng) {
      for (let i = 0; i < this.order.length; i++) this.order[i] = rng.int(this.order.length);
      return;
    }
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    if (rng) shuffleInPlace(this.order, rng);
  }

  /** Fills the next batch into x and t and returns its row count; 0 when the epoch is over. */
  next(): number {
    if (this.ended) this.reset();
    const left = this.dataset.rows - this.position;
    const count = Math.min(this.batchSize, left);
    if (count <= 0 || (this.options.dropLast && count < this.batchSize)) {
      this.ended = true;
      return 0;
    }
    fillBatch(this.dataset, this.order, this.position, count, this.x, this.t, this.options.target, this.copy);
    this.position += count;
    return count;
  }
}
