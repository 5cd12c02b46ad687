// The sums of the zero-skipping matmul (sparse-function.ts): C's tile of R rows × up to `vectors`
// vectors of 4 columns, summed over the compacted list of op(A)'s nonzero columns p (entries of
// B's byte offset for p, then the R rows' values at p), one block of columns after another.
import type { FunctionBody } from "../../wasm/encode.js";
import { i32Load } from "../wasm-ops.js";
import { ne } from "./sparse-ops.js";

/** C's columns are unrolled up to this many vectors (128 columns); wider products loop over blocks. */
const UNROLLED_VECTORS = 32;

/** A value known at compile time, or held in a local computed on entry. */
export type Value = { readonly c: number } | { readonly local: number };

/** The sparse kernel's function and locals the sums use (i32s, then f32x4s). */
export interface TileContext {
  readonly f: FunctionBody;
  readonly fma: boolean;
  readonly N: Value;
  readonly rowBytes: Value;
  /** Parameters: B's and C's byte offsets. */
  readonly B: number;
  readonly C: number;
  /** The list's first entry and its end; C's row i; the column j (when n is not constant); scratch. */
  readonly list: number;
  readonly end: number;
  /** One-row tiles' lists: from an offset's entry to its value's. */
  readonly toValue: Value;
  readonly i: number;
  readonly j: number;
  readonly t: number;
  readonly e: number;
  readonly pb: number;
  readonly acc: readonly (readonly number[])[];
  readonly bv: readonly number[];
  readonly s: number;
}

/**
 * Emits all of C's columns for the tile of `R` rows at row i, in blocks of at most `V` vectors;
 * `entry`: bytes per list entry (one-row lists: offsets and values apart, 4; or (offset, value)
 * pairs, 8; 4-row: (offset, 4 values), 20).
 */
export function sparseAcross(x: TileContext, R: 1 | 4, V: number, entry = R === 1 ? 4 : 20): void {
  const { f, fma, N, rowBytes, B, C, list, end, toValue, i, j, t, e, pb, acc, bv, s } = x;
  const push = (v: Value) => ("c" in v ? f.i32(v.c) : f.get(v.local));
  /** B's (partial) vector of `w` columns at address t + offset, pushed. */
  const loadB = (w: number, offset: number) => {
    f.get(t);
    if (w === 4) f.v128Load(offset);
    else if (w === 1) f.v128Load32Zero(offset);
    else {
      f.v128Load64Zero(offset);
      if (w === 3)
        f.set(s)
          .get(t)
          .get(s)
          .v128Load32Lane(2, offset + 8);
    }
  };
  const madd = (sum: number, product: () => void) => {
    if (fma) {
      product();
      f.get(sum).f32x4RelaxedMadd().set(sum);
    } else {
      f.get(sum);
      product();
      f.f32x4Mul().f32x4Add().set(sum);
    }
  };
  /** C's tile at rows i … i + R - 1, columns from j (in `col`, or the constant `jc`): vectors of the widths given. */
  const tile = (widths: readonly number[], col: Value) => {
    const sums = acc.slice(0, R).map((line) => line.slice(0, widths.length));
    for (const line of sums) for (const a of line) f.v128Zero().set(a);
    f.get(B);
    push(col).i32(4).mul().add().set(pb);
    f.get(list).set(e);
    f.block().get(e).get(end).eq().brIf(0).loop();
    i32Load(f.get(pb).get(e)).add().set(t);
    // Only the last vector may be partial, so the scratch s is free until it is loaded.
    if (R === 1) {
      const partial = widths[widths.length - 1]! < 4;
      if (partial) {
        loadB(widths[widths.length - 1]!, 16 * (widths.length - 1));
        f.set(bv[0]!);
      }
      f.get(e);
      if ("local" in toValue) f.get(toValue.local).add();
      f.v128Load32Splat("c" in toValue ? toValue.c : 0).set(s);
      widths.forEach((w, x) =>
        madd(sums[0]![x]!, () => {
          f.get(s);
          if (w === 4) loadB(4, 16 * x);
          else f.get(bv[0]!);
        }),
      );
    } else {
      widths.forEach((w, x) => {
        loadB(w, 16 * x);
        f.set(bv[x]!);
      });
      for (let r = 0; r < R; r++) {
        f.get(e)
          .v128Load32Splat(4 + 4 * r)
          .set(s);
        widths.forEach((_, x) => madd(sums[r]![x]!, () => f.get(s).get(bv[x]!)));
      }
    }
    ne(f.get(e).i32(entry).add().tee(e).get(end)).brIf(0);
    f.end().end();
    // t = C + i·n·4 + j·4
    f.get(C).get(i);
    push(rowBytes).mul().add();
    push(col).i32(4).mul().add().set(t);
    for (let r = 0; r < R; r++) {
      if (r > 0) {
        f.get(t);
        push(rowBytes).add().set(t);
      }
      widths.forEach((w, x) => {
        const at = 16 * x;
        f.get(t).get(sums[r]![x]!);
        if (w === 4) f.v128Store(at);
        else if (w === 1) f.v128Store32Lane(0, at);
        else f.v128Store64Lane(0, at);
        if (w === 3)
          f.get(t)
            .get(sums[r]![x]!)
            .v128Store32Lane(2, at + 8);
      });
    }
  };
  // All of C's columns: blocks of at most `vectors` vectors, unrolled when they are few (blocks
  // of even widths), else a loop, as for an n known only at run time (a wide C, such as the
  // 4320 columns of a conv net's d·Wᵀ, would otherwise unroll into ~90,000 instructions).
  if ("c" in N && Math.ceil(N.c / 4) <= UNROLLED_VECTORS) {
    const widths = Array.from({ length: Math.ceil(N.c / 4) }, (_, x) => Math.min(4, N.c - 4 * x));
    const blocks = Math.ceil(widths.length / V);
    for (let b = 0, from = 0; b < blocks; b++) {
      const size = Math.ceil((widths.length - from) / (blocks - b));
      tile(widths.slice(from, from + size), { c: 4 * from });
      from += size;
    }
    return;
  }
  const col = { local: j };
  f.i32(0).set(j);
  for (const w of [V, 1]) {
    f.block().loop();
    f.get(j)
      .i32(4 * w)
      .add();
    push(N).gtS().brIf(1);
    tile(new Array<number>(w).fill(4), col);
    f.get(j)
      .i32(4 * w)
      .add()
      .set(j)
      .br(0);
    f.end().end();
  }
  for (let w = 1; w < 4; w++) {
    push(N).get(j).sub().i32(w).eq().if();
    tile([w], col);
    f.end();
  }
}
