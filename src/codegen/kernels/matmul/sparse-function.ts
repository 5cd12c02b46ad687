// The zero-skipping matmul kernel in WebAssembly SIMD: C = op(A) · B for an op(A) that may hold
// many zeros (model inputs such as MNIST's background pixels, ReLU outputs, ReLU-masked
// gradients). Rows of C go in gate blocks of 4 (chunks of a shared job are whole blocks of 4 rows,
// so a block is the same whatever the thread count); per block, a SIMD count of a sample of
// op(A)'s entries (sparse-gate.ts) decides: above the break-even share of nonzeros, the block goes
// to the dense kernel (a call); else each tile of op(A)'s rows is compacted to its nonzero
// columns p (sparse-compact.ts: B's byte offset for p and the tile's values at p, in this
// thread's slot of scratch) and C's tile is summed over that list in f32x4 registers, one block
// of columns after another (sparse-tile.ts).
//
// Two layouts of op(A): rows contiguous (A itself): one row per tile, compacted 4 columns at a
// time. Columns contiguous (Aᵀ read in place, as in xᵀ·dY): first, per block of 16 rows, the
// block tile (sparse-block.ts: exact nonzeros, compacted by vector loads along the rows); where
// its count says no, per gate block either 4 rows per tile over the union of their nonzeros, one
// vector load per p (4 adjacent pixels tend to be zero together), or one row per tile read
// through the stride (4 ReLU units do not), whichever the counts say is cheaper. A block of 16
// may straddle two threads' chunks: it then goes by gate blocks, which sum the same terms in the
// same order from +0, so the bits do not depend on the thread count. The sums run over p in increasing order, as the dense kernel's do, and a skipped term
// is a 0 · B[p, j] the dense kernel adds: so C equals the dense kernel's bit for bit, up to the
// sign of a zero, except that an Inf or NaN in B where op(A) is 0 does not reach C (0 · Inf is
// NaN in the dense sum; BLAS implementations differ on this too).
import type { Size } from "../../plan.js";
import { FunctionBody, I32, V128 } from "../../wasm/encode.js";
import { sizeLocal } from "../../wasm/sizes.js";
import { call } from "../wasm-ops.js";
import { compact, slotFloats, writeTable } from "./sparse-compact.js";
import { anyTrue, f32Ne, f32x4Ne, i32x4ExtractLane, shl, shrU } from "./sparse-ops.js";
import { costWeights, sampled } from "./sparse-gate.js";
import { sparseAcross, type Value } from "./sparse-tile.js";
import { BLOCK_ROWS, blockTile, countBlock } from "./sparse-block.js";

export interface SparseSpec {
  readonly k: Size;
  readonly n: Size;
  /** Element strides of op(A): (i, p) is at i·aRow + p·aInner. */
  readonly aRow: Size;
  readonly aInner: Size;
  /** Which of op(A)'s strides is 1: its rows' (A read by rows), or its columns' (Aᵀ read in place). */
  readonly layout: "rows" | "columns";
  readonly fma?: boolean;
  /** The module's function index of the dense kernel for the same product (same parameters). */
  readonly dense: number;
  /**
   * The break-even shares of nonzeros (percent): `rows` for one-row tiles (of the block's
   * entries), `columns` for 4-row tiles (of the p where any of the 4 rows is nonzero). A block of
   * contiguous rows runs sparse at most at `rows`; a block of Aᵀ takes the cheapest of the dense
   * kernel, one-row tiles and 4-row tiles, their costs estimated from these shares; before that, a
   * block of BLOCK_ROWS rows of Aᵀ goes to the block tile (sparse-block.ts) when it costs no more
   * than the dense kernel and than 4-row tiles, `block` its share (of the block's entries).
   */
  readonly percent: { readonly rows: number; readonly columns: number; readonly block: number };
}

/** Rows per gate block: a multiple of every tile's rows, and a divisor of every shared chunk. */
export const GATE_ROWS = 4;
/** Vectors of 4 columns per tile: one row, 8 sums and a splat (B's vectors are operands of the multiply-adds); 4 rows, as the dense FMA tile. */
const VECTORS = { 1: 8, 4: 2 } as const;

/**
 * (a, b, c, batch, row0, row1, scratch, thread) -> (): the dense kernel's parameters, then the
 * scratch area's byte offset and this thread's number, whose slot of k entries it compacts into.
 */
export function sparseMatmulFunction(spec: SparseSpec): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32, I32, I32]);
  const [A, B, C, BATCH, ROW0, ROW1, SCRATCH, THREAD] = [0, 1, 2, 3, 4, 5, 6, 7];
  const value = (s: Size, scale = 1): Value => (s.p === 0 ? { c: s.c * scale } : { local: sizeLocal(f, s, BATCH, scale) });
  const push = (v: Value) => ("c" in v ? f.i32(v.c) : f.get(v.local));
  const columns = spec.layout === "columns";
  const K = value(spec.k);
  const aRow = value(spec.aRow, 4);
  const aInner = value(spec.aInner, 4);
  const N = value(spec.n);
  const rowBytes = value(spec.n, 4);
  const local = () => f.local(I32);
  const [i, p, pa, o, cur, end, cnt] = [local(), local(), local(), local(), local(), local(), local()];
  const [e, pb, t, mask, list, total] = [local(), local(), local(), local(), local(), local()];
  const [v, counts] = [f.local(V128), f.local(V128)];
  const acc = Array.from({ length: 4 }, () => Array.from({ length: VECTORS[1] }, () => f.local(V128)));
  const bv = Array.from({ length: VECTORS[4] }, () => f.local(V128));
  const s = f.local(V128);
  const [shuffle, offsets, stride] = [f.local(V128), f.local(V128), f.local(V128)];
  const slot = local();
  f.get(SCRATCH).get(THREAD);
  push(value(slotFloats(spec.k, columns), 4))
    .mul()
    .add()
    .tee(slot)
    .i32(256)
    .add()
    .set(list);
  const toValue: Value = "c" in K ? { c: 4 * (K.c + 4) } : { local: local() };
  if ("local" in toValue && "local" in K) f.get(K.local).i32(4).mul().i32(16).add().set(toValue.local);

  /** pa = A + (i + r)·aRow. */
  const rowStart = (r: number) => {
    f.get(A).get(i);
    if (r > 0) f.i32(r).add();
    push(aRow).mul().add().set(pa);
  };
  /** Runs `body` while `by` are left of p (counting down from K). */
  const repeat = (by: number, body: () => void) => {
    f.block().loop();
    f.get(p).i32(by).ltS().brIf(1);
    body();
    f.get(p).i32(by).sub().set(p).br(0);
    f.end().end();
  };
  const nonzero = () => f32x4Ne(f.v128Zero());
  /** pa += the stride `by` (bytes). */
  const step = (by: Value) => {
    f.get(pa);
    push(by).add().set(pa);
  };
  const sumLanes = (into: number) => {
    f.i32(0).set(into);
    for (let l = 0; l < 4; l++) i32x4ExtractLane(f.get(into).get(counts), l).add().set(into);
  };

  // The gate counts a sample of each row's entries: rows, the first 4 of every 16 (one vector); Aᵀ,
  // every 4th p; and the last (fewer than 16, or 4) one by one. `seen` is how many per row.
  const seen: Value = "c" in K ? { c: sampled(K.c, columns) } : { local: f.local(I32) };
  if ("local" in seen && "local" in K) {
    shrU(f.get(K.local).i32(columns ? 2 : 4));
    if (!columns) shl(f.i32(2));
    f.get(K.local)
      .i32(columns ? 3 : 15)
      .and()
      .add()
      .set(seen.local);
  }
  const aInner4 = value(spec.aInner, 16);
  /**
   * cnt = the nonzeros of the sample of `g` rows of op(A) from row i; with 4 rows of contiguous
   * columns, cnt = the sampled p where any of them is nonzero (their union) and total = their nonzeros.
   */
  const count = (g: number) => {
    f.i32(0).set(cnt);
    f.v128Zero().set(counts);
    if (columns && g === 4) {
      rowStart(0);
      push(K).set(p);
      const one = () => {
        f.get(pa).v128Load().set(v);
        f.get(counts).get(v);
        nonzero().tee(v).i32x4Sub().set(counts); // a true lane is -1
        anyTrue(f.get(cnt).get(v)).add().set(cnt);
      };
      repeat(4, () => {
        one();
        step(aInner4);
      });
      repeat(1, () => {
        one();
        step(aInner);
      });
      sumLanes(total);
      return;
    }
    for (let r = 0; r < g; r++) {
      rowStart(r);
      push(K).set(p);
      if (!columns)
        repeat(16, () => {
          f.get(counts).get(pa).v128Load();
          nonzero().i32x4Sub().set(counts);
          step({ c: 64 });
        });
      else
        repeat(4, () => {
          f32Ne(f.get(cnt).get(pa).f32Load().f32(0)).add().set(cnt);
          step(aInner4);
        });
      repeat(1, () => {
        f32Ne(f.get(cnt).get(pa).f32Load().f32(0)).add().set(cnt);
        step(columns ? aInner : { c: 4 });
      });
    }
    if (!columns) {
      sumLanes(total);
      f.get(cnt).get(total).add().set(cnt);
    }
  };

  const j = f.local(I32);
  const context = { f, fma: spec.fma ?? false, N, rowBytes, B, C, list, end, toValue, i, j, t, e, pb, acc, bv, s };
  const lists = {
    f,
    push,
    columns,
    K,
    aInner,
    rowBytes,
    toValue,
    slot,
    list,
    end,
    cur,
    p,
    pa,
    o,
    mask,
    v,
    shuffle,
    offsets,
    stride,
    rowStart,
    repeat,
    step,
  };
  writeTable(lists);
  /** Row i's tile (`rows` rows) of C: compacted, then summed. */
  const sparse = (rows: 1 | 4) => {
    compact(lists, rows);
    sparseAcross(context, rows, VECTORS[rows]);
    f.get(i).i32(rows).add().set(i);
  };
  /** Rows i … i + g - 1 on the dense kernel. */
  const dense = (g: number) => {
    f.get(A).get(B).get(C).get(BATCH).get(i);
    f.get(i).i32(g).add();
    call(f, spec.dense);
    f.get(i).i32(g).add().set(i);
  };
  /** If `x` · 100 ≤ `of` · seen · percent: then, else otherwise. */
  const gate = (x: number, of: number, percent: number, then: () => void, otherwise: () => void) => {
    f.get(x).i32(100).mul();
    push(seen);
    f.i32(of * percent)
      .mul()
      .leS()
      .if();
    then();
    f.else();
    otherwise();
    f.end();
  };
  const w = costWeights(spec.percent);
  const blocks = { ...lists, aInner4, list, cnt, total, counts, tile: context };
  const decided = columns ? local() : 0; // the rows before it are decided (a block's gate said no block tile)
  if (columns) f.get(ROW0).set(decided);
  /** A block tile at row i when BLOCK_ROWS rows are left, undecided, and it costs no more than the dense kernel and than 4-row tiles. */
  const blockFirst = () => {
    f.get(i).get(decided).ltS().eqz().get(i).i32(BLOCK_ROWS).add().get(ROW1).leS().and().if();
    countBlock(blocks);
    f.get(total).i32(100).mul();
    push(seen);
    f.i32(BLOCK_ROWS * spec.percent.block)
      .mul()
      .leS();
    f.get(total)
      .i32(spec.percent.columns)
      .mul()
      .get(cnt)
      .i32(4 * spec.percent.block)
      .mul()
      .leS()
      .and()
      .if();
    blockTile(blocks);
    f.get(i).i32(BLOCK_ROWS).add().set(i).br(2);
    f.end();
    f.get(i).i32(BLOCK_ROWS).add().set(decided);
    f.end();
  };
  /** Gate blocks of `g` rows while they fit, from row i on. */
  const down = (g: number) => {
    f.block().loop();
    f.get(i).i32(g).add().get(ROW1).gtS().brIf(1);
    if (columns && g === GATE_ROWS) blockFirst();
    count(g);
    const ones = () => {
      for (let r = 0; r < g; r++) sparse(1);
    };
    if (columns && g === 4) {
      // 4-row tiles when they cost no more than the dense kernel and than one-row tiles.
      f.get(cnt).i32(w.four).mul();
      push(seen);
      f.i32(w.dense).mul().leS();
      f.get(cnt).i32(w.four).mul().get(total).i32(w.one).mul().leS().and().if();
      sparse(4);
      f.else();
      gate(total, 4, spec.percent.rows, ones, () => dense(4));
      f.end();
    } else gate(cnt, g, spec.percent.rows, ones, () => dense(g));
    f.br(0);
    f.end().end();
  };
  f.get(ROW0).set(i);
  down(GATE_ROWS);
  down(1);
  return f;
}
