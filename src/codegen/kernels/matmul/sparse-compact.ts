// The compaction of the zero-skipping matmul (sparse-function.ts): rows of op(A) into lists of
// their nonzero columns p, in this thread's slot of scratch:
//   [shuffle table, 256 bytes] [B's byte offsets of p] [values] (one-row tiles, k + 4 of each), or
//   [shuffle table] [(B's byte offset of p, 4 rows' values at p) × k] (4-row tiles).
// Contiguous rows go 4 entries at a time without a branch per entry: the nonzero lanes' mask picks
// a byte shuffle from the table (written on entry), which moves those lanes (values, and offsets
// kept as a vector) to the front of a vector stored at the list's end; the end then moves by the
// mask's bit count. Groups of 16 zeros (the background's runs) are skipped by one test; within
// 16, every group goes through the table (an all-zero one moves the end by 0).
import type { Size } from "../../plan.js";
import type { FunctionBody } from "../../wasm/encode.js";
import { anyTrue, bitmask, f32Ne, f32x4Ne, i32Store, i32x4ExtractLane, i32x4Mul, popcnt, shl, swizzle, v128Or } from "./sparse-ops.js";
import type { Value } from "./sparse-tile.js";
import { BLOCK_ROWS } from "./sparse-block.js";

/** Bytes of the shuffle table at the start of a slot. */
const TABLE = 256;

/** Floats of one thread's slot, for k entries (4-row tiles' too with `columns`). */
export function slotFloats(k: Size, columns: boolean): Size {
  // Aᵀ: a block tile's BLOCK_ROWS one-row lists (k + 4 entries each, more than a 4-row tile's list), then their ends.
  const perEntry = columns ? 2 * BLOCK_ROWS : 2;
  const extra = TABLE / 4 + (columns ? 9 * BLOCK_ROWS : 8); // the table; 4 more offsets and values (a vector store may pass the last entry)
  // A size is c·batch^p: with k a multiple of batch, `extra` is covered by k · extra (k ≥ 1).
  return k.p === 0 ? { c: extra + perEntry * k.c, p: 0 } : { c: k.c * (perEntry + extra), p: k.p };
}

/** The kernel's function, sizes and locals the compaction uses. */
export interface CompactContext {
  readonly f: FunctionBody;
  readonly push: (v: Value) => FunctionBody;
  readonly columns: boolean;
  readonly K: Value;
  readonly aInner: Value;
  readonly rowBytes: Value;
  /** From an offset's entry to its value's (one-row tiles): 4·(k + 4) bytes. */
  readonly toValue: Value;
  /** i32 locals: the slot, the list's start and end, the write position, p's countdown and A's address, B's offset of p, a mask. */
  readonly slot: number;
  readonly list: number;
  readonly end: number;
  readonly cur: number;
  readonly p: number;
  readonly pa: number;
  readonly o: number;
  readonly mask: number;
  /** v128 locals. */
  readonly v: number;
  readonly shuffle: number;
  readonly offsets: number;
  readonly stride: number;
  /** pa = A + (i + r)·aRow; runs a body while `by` of p are left; pa += a stride. */
  readonly rowStart: (r: number) => void;
  readonly repeat: (by: number, body: () => void) => void;
  readonly step: (by: Value) => void;
}

/** Writes the shuffle table: entry m moves the lanes whose bits are set in m to the front, in order. */
export function writeTable({ f, slot }: CompactContext): void {
  for (let m = 0; m < 16; m++) {
    const lanes = [0, 1, 2, 3].filter((l) => (m >> l) & 1);
    const bytes = Array.from({ length: 16 }, (_, b) => (b >> 2 < lanes.length ? 4 * lanes[b >> 2]! + (b & 3) : 0x80));
    const words = [0, 1, 2, 3].map((w) => bytes[4 * w]! | (bytes[4 * w + 1]! << 8) | (bytes[4 * w + 2]! << 16) | (bytes[4 * w + 3]! << 24));
    f.get(slot)
      .v128ConstI32(words as [number, number, number, number])
      .v128Store(16 * m);
  }
}

/** Compacts rows i … i + rows - 1 of op(A) (1, or 4 of contiguous columns) into the list: list .. end. */
export function compact(x: CompactContext, rows: 1 | 4): void {
  const { f, push, columns, K, aInner, rowBytes, toValue, list, end, cur, p, pa, o, mask, v, shuffle, offsets, stride } = x;
  const { rowStart, repeat, step } = x;
  const nonzero = () => f32x4Ne(f.v128Zero());
  /** Pushes the address of the value for the entry at cur; returns the memarg offset. */
  const valueAt = (): number => {
    f.get(cur);
    if ("c" in toValue) return toValue.c;
    f.get(toValue.local).add();
    return 0;
  };
  /** One entry at cur: o, then the values `store` writes (given the memarg offset), cur += size when `keep` (pushed 0/1). */
  const append = (size: number, store: () => void, keep: () => void) => {
    i32Store(f.get(cur).get(o));
    store();
    f.get(cur);
    keep();
    f.i32(size).mul().add().set(cur);
    f.get(o);
    push(rowBytes).add().set(o);
  };
  /** One value (lane 0 of v) at a time, through A's inner stride `by`. */
  const oneByOne = (by: Value) =>
    repeat(1, () => {
      f.get(pa).v128Load32Zero().set(v);
      append(
        4,
        () => {
          const at = valueAt();
          f.get(v).v128Store32Lane(0, at);
        },
        () => f32Ne(f.get(v).f32x4ExtractLane(0).f32(0)),
      );
      step(by);
    });

  f.get(list).set(cur);
  f.i32(0).set(o);
  rowStart(0);
  push(K).set(p);
  if (rows === 4) {
    repeat(1, () => {
      f.get(pa).v128Load().set(v);
      append(
        20,
        () => f.get(cur).get(v).v128Store(4),
        () => anyTrue(f32x4Ne(f.get(v).v128Zero())),
      );
      step(aInner);
    });
  } else if (columns) oneByOne(aInner);
  else {
    // offsets = (0, 1, 2, 3)·rowBytes, + 4·rowBytes a group.
    f.v128ConstI32([0, 1, 2, 3]);
    push(rowBytes).i32x4Splat();
    i32x4Mul(f).set(offsets);
    push(rowBytes).i32(4).mul().i32x4Splat().set(stride);
    /** The 4 entries at pa + `at` appended (none, when all are zero), and offsets moved on. */
    const group = (at: number) => {
      f.get(pa).v128Load(at).tee(v);
      bitmask(nonzero()).set(mask);
      f.get(x.slot);
      shl(f.get(mask).i32(4));
      f.add().v128Load().set(shuffle);
      f.get(cur);
      swizzle(f.get(offsets).get(shuffle)).v128Store();
      const to = valueAt();
      swizzle(f.get(v).get(shuffle)).v128Store(to);
      f.get(cur);
      popcnt(f.get(mask));
      shl(f.i32(2)).add().set(cur);
      f.get(offsets).get(stride).i32x4Add().set(offsets);
    };
    // 16 entries per test (their bits OR'd: a -0 passes, and its group then appends nothing): a
    // branch per group of 4 mispredicted wherever a batch's zeros differ from the last one's
    // (x·W1 on 50 MNIST batches in turn: 142 → 105 µs); within the 16, no branch per group.
    repeat(16, () => {
      for (let g = 0; g < 4; g++) f.get(pa).v128Load(16 * g);
      v128Or(v128Or(v128Or(f)));
      anyTrue(f).if();
      for (let g = 0; g < 4; g++) group(16 * g);
      f.else();
      f.get(offsets).get(stride).i32x4Add().get(stride).i32x4Add().get(stride).i32x4Add().get(stride).i32x4Add().set(offsets);
      f.end();
      step({ c: 64 });
    });
    repeat(4, () => {
      group(0);
      step({ c: 16 });
    });
    i32x4ExtractLane(f.get(offsets), 0).set(o);
    oneByOne({ c: 4 });
  }
  f.get(cur).set(end);
}
