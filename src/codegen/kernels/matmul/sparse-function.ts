// The zero-skipping matmul kernel in WebAssembly SIMD: C = op(A) · B for an op(A) that may hold
// many zeros (model inputs such as MNIST's background pixels, ReLU outputs, ReLU-masked
// gradients). Rows of C go in gate blocks of 4 (chunks of a shared job are whole blocks of 4 rows,
// so a block is the same whatever the thread count); per block, a SIMD count of op(A)'s nonzeros
// decides: above the break-even share, the block goes to the dense kernel (a call); else each
// tile of op(A)'s rows is compacted to its nonzero columns p, as (p's byte offset in B, the
// tile's values at p) entries in this thread's slot of scratch, and C's tile is summed over that
// list in f32x4 registers, one block of columns after another.
//
// Two layouts of op(A): rows contiguous (A itself, inner stride 1): one row per tile, compacted 4
// columns at a time, all-zero groups skipped by one test. Columns contiguous (Aᵀ, as in xᵀ·dY):
// 4 rows per tile (4 adjacent pixels, which tend to be zero together), one vector load per p,
// entries where any of the 4 is nonzero. The sums run over p in increasing order, as the dense
// kernel's do, and a skipped term is a 0 · B[p, j] the dense kernel adds: so C equals the dense
// kernel's bit for bit, up to the sign of a zero, except that an Inf or NaN in B where op(A) is 0
// does not reach C (0 · Inf is NaN in the dense sum; BLAS implementations differ on this too).
import type { Size } from "../../plan.js";
import { FunctionBody, I32, V128 } from "../../wasm/encode.js";
import { sizeLocal } from "../../wasm/sizes.js";
import { call } from "../wasm-ops.js";
import { anyTrue, bitmask, f32Ne, f32x4Ne, i32Store, i32x4ExtractLane, shrU } from "./sparse-ops.js";
import { sparseAcross, type Value } from "./sparse-tile.js";

export interface SparseSpec {
  readonly k: Size;
  readonly n: Size;
  /** Element strides of op(A): (i, p) is at i·aRow + p·aInner; one of them is 1. */
  readonly aRow: Size;
  readonly aInner: Size;
  /** Rows per tile: 1 for contiguous rows of op(A), 4 for contiguous columns. */
  readonly rows: 1 | 4;
  /** Vectors of 4 columns per tile, at most. */
  readonly vectors: number;
  readonly fma?: boolean;
  /** The module's function index of the dense kernel for the same product (same parameters). */
  readonly dense: number;
  /** A gate block runs sparse when at most this percentage of its (union of) rows' entries are nonzero. */
  readonly percent: number;
}

/** Rows per gate block: a multiple of every tile's rows, and a divisor of every shared chunk. */
export const GATE_ROWS = 4;

/** Bytes of one compacted entry: a byte offset into B, then the tile's `rows` values. */
export const entryBytes = (rows: number): number => 4 * (1 + rows);

/**
 * (a, b, c, batch, row0, row1, scratch, thread) -> (): the dense kernel's parameters, then the
 * scratch area's byte offset and this thread's number, whose slot of k entries it compacts into.
 */
export function sparseMatmulFunction(spec: SparseSpec): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32, I32, I32]);
  const [A, B, C, BATCH, ROW0, ROW1, SCRATCH, THREAD] = [0, 1, 2, 3, 4, 5, 6, 7];
  const value = (s: Size, scale = 1): Value => (s.p === 0 ? { c: s.c * scale } : { local: sizeLocal(f, s, BATCH, scale) });
  const push = (v: Value) => ("c" in v ? f.i32(v.c) : f.get(v.local));
  const R = spec.rows;
  const entry = entryBytes(R);
  const K = value(spec.k);
  const aRow = value(spec.aRow, 4);
  const aInner = value(spec.aInner, 4);
  const N = value(spec.n);
  const rowBytes = value(spec.n, 4);
  const local = () => f.local(I32);
  const [i, p, pa, o, cur, end, cnt, e, pb, t, mask, list] = [
    local(),
    local(),
    local(),
    local(),
    local(),
    local(),
    local(),
    local(),
    local(),
    local(),
    local(),
    local(),
  ];
  const [v, counts] = [f.local(V128), f.local(V128)];
  const acc = Array.from({ length: R }, () => Array.from({ length: spec.vectors }, () => f.local(V128)));
  const bv = Array.from({ length: spec.vectors }, () => f.local(V128));
  const s = f.local(V128);
  f.get(SCRATCH).get(THREAD);
  push(value(spec.k, entry)).mul().add().set(list);

  /** pa = A + (i + r)·aRow. */
  const rowStart = (r: number) => {
    f.get(A).get(i);
    if (r > 0) f.i32(r).add();
    push(aRow).mul().add().set(pa);
  };
  /** Runs `body` K times (p counts down), or, with `by` 4, while 4 are left. */
  const repeat = (by: number, body: () => void) => {
    f.block().loop();
    f.get(p).i32(by).ltS().brIf(1);
    body();
    f.get(p).i32(by).sub().set(p).br(0);
    f.end().end();
  };
  const nonzero = () => f32x4Ne(f.v128Zero());

  /** cnt = the nonzeros of `g` rows of op(A) from row i (contiguous rows) or of their union (4 contiguous columns). */
  const count = (g: number) => {
    f.i32(0).set(cnt);
    if (R === 4) {
      rowStart(0);
      push(K).set(p);
      repeat(1, () => {
        f.get(cnt).get(pa).v128Load();
        anyTrue(nonzero()).add().set(cnt);
        f.get(pa);
        push(aInner).add().set(pa);
      });
      return;
    }
    f.v128Zero().set(counts);
    for (let r = 0; r < g; r++) {
      rowStart(r);
      push(K).set(p);
      repeat(4, () => {
        f.get(counts).get(pa).v128Load();
        nonzero().i32x4Sub().set(counts); // a true lane is -1
        f.get(pa).i32(16).add().set(pa);
      });
      repeat(1, () => {
        f32Ne(f.get(cnt).get(pa).f32Load().f32(0)).add().set(cnt);
        f.get(pa).i32(4).add().set(pa);
      });
    }
    for (let l = 0; l < 4; l++) i32x4ExtractLane(f.get(cnt).get(counts), l).add().set(cnt);
  };

  /** Appends (o, the value(s) in v or lane `lane` of v) at cur, advancing cur when `keep` (an i32 0/1 it pushes) holds. */
  const append = (store: () => void, keep: () => void) => {
    i32Store(f.get(cur).get(o));
    store();
    f.get(cur);
    keep();
    f.i32(entry).mul().add().set(cur);
    f.get(o);
    push(rowBytes).add().set(o);
  };
  /** Compacts row i (contiguous rows), or rows i … i + 3 (contiguous columns), into the list: list .. end. */
  const compact = () => {
    f.get(list).set(cur);
    f.i32(0).set(o);
    rowStart(0);
    push(K).set(p);
    if (R === 4) {
      repeat(1, () => {
        f.get(pa).v128Load().set(v);
        append(
          () => f.get(cur).get(v).v128Store(4),
          () => anyTrue(f32x4Ne(f.get(v).v128Zero())),
        );
        f.get(pa);
        push(aInner).add().set(pa);
      });
    } else {
      repeat(4, () => {
        f.get(pa).v128Load().tee(v);
        bitmask(nonzero()).tee(mask);
        f.if();
        for (let l = 0; l < 4; l++)
          append(
            () => f.get(cur).get(v).v128Store32Lane(l, 4),
            () => shrU(f.get(mask).i32(l)).i32(1).and(),
          );
        f.else().get(o);
        push(rowBytes).i32(4).mul().add().set(o);
        f.end();
        f.get(pa).i32(16).add().set(pa);
      });
      repeat(1, () => {
        f.get(pa).v128Load32Zero().set(v);
        append(
          () => f.get(cur).get(v).v128Store32Lane(0, 4),
          () => f32Ne(f.get(v).f32x4ExtractLane(0).f32(0)),
        );
        f.get(pa).i32(4).add().set(pa);
      });
    }
    f.get(cur).set(end);
  };

  const j = f.local(I32);
  const across = () => sparseAcross({ f, spec, N, rowBytes, B, C, list, end, i, j, t, e, pb, acc, bv, s });

  /** Rows i … i + g - 1 on the dense kernel. */
  const dense = (g: number | "rest") => {
    f.get(A).get(B).get(C).get(BATCH).get(i);
    if (g === "rest") f.get(ROW1);
    else f.get(i).i32(g).add();
    call(f, spec.dense);
  };
  /** Gate blocks of `g` rows while they fit, from row i on. */
  const down = (g: number) => {
    f.block().loop();
    f.get(i).i32(g).add().get(ROW1).gtS().brIf(1);
    count(g);
    // Dense when cnt / (entries counted) > percent / 100.
    f.get(cnt).i32(100).mul();
    push(K);
    f.i32(spec.percent * (R === 4 ? 1 : g))
      .mul()
      .gtS()
      .if();
    dense(g);
    f.get(i).i32(g).add().set(i);
    f.else();
    for (let r = 0; r < g; r += R) {
      compact();
      across();
      f.get(i).i32(R).add().set(i);
    }
    f.end().br(0);
    f.end().end();
  };
  f.get(ROW0).set(i);
  down(GATE_ROWS);
  if (R === 1) down(1);
  else {
    f.get(i).get(ROW1).ltS().if();
    dense("rest");
    f.end();
  }
  return f;
}
