// The block tile of the zero-skipping matmul (sparse-function.ts) for Aᵀ read in place (op(A)'s
// columns contiguous, as in xᵀ·dY): BLOCK_ROWS rows of op(A) (pixels) at once, exact nonzeros
// only. Compaction reads each p's BLOCK_ROWS values with vector loads (contiguous along the rows)
// and appends each lane's (B's byte offset for p, value) pair to its row's list without a branch
// per entry: the pair is always stored at the list's end, and the ends (4 rows' in a vector) move
// on by one pair only where the lane is nonzero. No branch at all depends on the values: a test
// per group of 4 (skipping the background's zeros) made the kernel 1.2-1.5x slower on batches
// other than the last one (the predictor learns one batch's zeros, not the next's). Each
// row's list is then summed as a one-row tile (sparse-tile.ts), in p order, so C equals the dense
// kernel's as the other tiles' does.
//   Row r's list: pairs from list + r·2·toValue (k + 4 of them fit); the rows' ends after the last.
import { I32, V128 } from "../../wasm/encode.js";
import { i32Load } from "../wasm-ops.js";
import type { CompactContext } from "./sparse-compact.js";
import { anyTrue, f32x4Ne, i32x4ExtractLane, i32x4Mul, shuffle } from "./sparse-ops.js";
import { sparseAcross, type TileContext, type Value } from "./sparse-tile.js";

/** Rows of op(A) per block tile: 4 vector loads per p. */
export const BLOCK_ROWS = 16;

/**
 * The kernel's function, sizes and locals the block tile uses: the compaction's (sparse-function.ts
 * builds this context by extending that one), and its own.
 */
export interface BlockContext extends Pick<
  CompactContext,
  "f" | "push" | "K" | "aInner" | "rowBytes" | "toValue" | "list" | "p" | "pa" | "o" | "mask" | "v" | "rowStart" | "repeat" | "step"
> {
  /** 4 · aInner in bytes: the gate's step (every 4th p). */
  readonly aInner4: Value;
  /** i32 locals: the counts' results. */
  readonly cnt: number;
  readonly total: number;
  /** v128 local: the counts. */
  readonly counts: number;
  /** The one-row sums' context (its `list`, `end` and `i` are set per row here). */
  readonly tile: TileContext;
}

/**
 * cnt = the sampled p (every 4th, then the last k mod 4) where any of a group of 4 of the block's
 * rows from row i is nonzero, summed over the groups (the 4-row tiles' work); total = the
 * sample's nonzeros (the block tile's work).
 */
export function countBlock(x: BlockContext): void {
  const { f, push, K, aInner, aInner4, cnt, total, v, counts, pa, p } = x;
  f.i32(0).set(cnt);
  f.v128Zero().set(counts);
  x.rowStart(0);
  push(K).set(p);
  const one = () => {
    for (let g = 0; g < BLOCK_ROWS / 4; g++) {
      f.get(pa).v128Load(16 * g);
      f32x4Ne(f.v128Zero()).set(v);
      f.get(counts).get(v).i32x4Sub().set(counts); // a true lane is -1
      anyTrue(f.get(cnt).get(v)).add().set(cnt);
    }
  };
  x.repeat(4, () => {
    one();
    x.step(aInner4);
  });
  x.repeat(1, () => {
    one();
    x.step(aInner);
  });
  f.i32(0).set(total);
  for (let l = 0; l < 4; l++) i32x4ExtractLane(f.get(total).get(counts), l).add().set(total);
}

/** The bytes of i32 lanes (lanes of a 0-3, of b 4-7), for a shuffle. */
const lanes = (...ls: number[]) => ls.flatMap((l) => [0, 1, 2, 3].map((b) => 4 * l + b));

/** C's rows i … i + BLOCK_ROWS - 1: compacted to one list per row, then each list summed. */
export function blockTile(x: BlockContext): void {
  const { f, push, K, aInner, rowBytes, toValue, list, p, pa, o, v, tile } = x;
  // The rows' list ends, 4 rows a vector; each p's (offset, value) pairs for lanes 0-1 and 2-3.
  const ends = Array.from({ length: BLOCK_ROWS / 4 }, () => f.local(V128));
  const [pairs, nonzero, ov] = [f.local(V128), f.local(V128), f.local(V128)];
  const [r, row, at, cur] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  /** Bytes from one row's list to the next's. */
  const pushRowList = () => {
    push(toValue);
    f.i32(2).mul();
  };
  ends.forEach((end, g) => {
    f.get(list);
    pushRowList();
    f.i32(4 * g)
      .mul()
      .add()
      .i32x4Splat();
    f.v128ConstI32([0, 1, 2, 3]);
    pushRowList();
    i32x4Mul(f.i32x4Splat()).i32x4Add().set(end);
  });
  f.i32(0).set(o);
  x.rowStart(0);
  push(K).set(p);
  x.repeat(1, () => {
    f.get(o).i32x4Splat().set(ov);
    ends.forEach((end, g) => {
      f.get(pa)
        .v128Load(16 * g)
        .tee(v);
      f32x4Ne(f.v128Zero()).set(nonzero);
      for (let l = 0; l < 4; l++) {
        if (l % 2 === 0) shuffle(f.get(ov).get(v), lanes(0, 4 + l, 0, 5 + l)).set(pairs);
        i32x4ExtractLane(f.get(end), l)
          .get(pairs)
          .v128Store64Lane(l % 2);
      }
      // Each end moves on by one entry (8 bytes) where its lane is nonzero.
      f.get(end).get(nonzero).v128ConstI32([8, 8, 8, 8]).v128And().i32x4Add().set(end);
    });
    f.get(o);
    push(rowBytes).add().set(o);
    x.step(aInner);
  });
  // The ends, after the last row's list (at list + R·2·toValue); then each row's sums.
  f.get(list);
  push(toValue);
  f.i32(2 * BLOCK_ROWS)
    .mul()
    .add()
    .set(at);
  ends.forEach((end, g) =>
    f
      .get(at)
      .get(end)
      .v128Store(16 * g),
  );
  f.i32(0).set(r);
  f.get(list).set(cur);
  f.get(tile.i).set(row);
  f.loop();
  i32Load(f.get(at)).set(tile.end);
  sparseAcross({ ...tile, list: cur, i: row, toValue: { c: 4 } }, 1, 8, 8);
  f.get(cur);
  pushRowList();
  f.add().set(cur);
  f.get(at).i32(4).add().set(at);
  f.get(row).i32(1).add().set(row);
  f.get(r).i32(1).add().tee(r).i32(BLOCK_ROWS).ltS().brIf(0);
  f.end();
}
