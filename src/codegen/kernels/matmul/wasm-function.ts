// A matmul kernel in WebAssembly SIMD: C = op(A) · B for one MatmulKernel of the plan, every
// extent and stride a constant or c · batch^p computed once on entry from the `batch` argument.
// Layout in the arena (byte offsets are the arguments): op(A) is read in place through its
// strides (so xᵀ needs no transpose), one float at a time, splatted across a vector; B is
// [k × n] row-major (the caller copies it in, transposing only a Wᵀ); C is written [m × n]
// row-major. When 4 does not divide n, the last 1-3 columns are one partial vector (lane loads
// and stores), so nothing is padded and B and C move with plain copies. Register tiles of R rows × V vectors of 4 columns keep R·V f32x4 sums across
// the whole inner dimension: per step, V vector loads of B and R scalar loads of A feed R·V
// multiply-adds (a multiply and an add, or relaxed SIMD's fused multiply-add where the module's FMA
// build runs). Sums run over p in order, like the reference, in float32.
import type { Size } from "../../plan.js";
import { FunctionBody, I32, V128 } from "../../wasm/encode.js";
import { sizeLocal } from "../../wasm/sizes.js";

export interface MatmulSpec {
  readonly m: Size;
  readonly k: Size;
  readonly n: Size;
  /** Element strides of op(A): (i, p) is at i·aRow + p·aInner. */
  readonly aRow: Size;
  readonly aInner: Size;
  /** Register tile: rows × vectors of 4 columns. */
  readonly rows: number;
  readonly vectors: number;
  /** Multiply-adds as relaxed SIMD's f32x4.relaxed_madd (fused on FMA hardware) instead of a multiply and an add. */
  readonly fma?: boolean;
}

/** A value known at compile time, or held in a local computed on entry. */
type Value = { readonly c: number } | { readonly local: number };

/** (a, b, c, batch, row0, row1) -> (): byte offsets of op(A)'s storage, B and C; C's rows row0 ≤ i < row1. */
export function matmulFunction(spec: MatmulSpec): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32]);
  const [A, B, C, BATCH, ROW0, ROW1] = [0, 1, 2, 3, 4, 5];
  const value = (s: Size, scale = 1): Value => (s.p === 0 ? { c: s.c * scale } : { local: sizeLocal(f, s, BATCH, scale) });
  const push = (v: Value) => ("c" in v ? f.i32(v.c) : f.get(v.local));
  const M: Value = { local: ROW1 }; // rows [row0, row1) of C: the caller may split m between threads
  const K = value(spec.k);
  const aRow = value(spec.aRow, 4);
  const aInner = value(spec.aInner, 4);
  const N = value(spec.n);
  const rowBytes: Value = "c" in N ? { c: N.c * 4 } : scaled(f, N, 4);
  const [i, j, p, pa, pb] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const acc = Array.from({ length: spec.rows }, () => Array.from({ length: spec.vectors }, () => f.local(V128)));
  const bv = Array.from({ length: spec.vectors }, () => f.local(V128));
  const s = f.local(V128);

  /** Pushes base + r·stride's variable part; returns the constant part (a memarg offset). */
  const address = (base: number, stride: Value, r: number): number => {
    f.get(base);
    if ("c" in stride) return r * stride.c;
    if (r > 0) f.get(stride.local).i32(r).mul().add();
    return 0;
  };

  /** One tile of `rows` × `vectors` at row i, column j; `tail` 1-3: one partial vector of that many columns. */
  const tile = (rows: number, vectors: number, tail = 4) => {
    for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) f.v128Zero().set(acc[r]![v]!);
    f.get(A).get(i);
    push(aRow).mul().add().set(pa);
    f.get(B).get(j).i32(4).mul().add().set(pb);
    push(K).set(p);
    f.block().get(p).eqz().brIf(0);
    f.loop();
    for (let v = 0; v < vectors; v++) loadB(tail, 16 * v, bv[v]!);
    for (let r = 0; r < rows; r++) {
      const offset = address(pa, aRow, r);
      f.v128Load32Splat(offset).set(s);
      for (let v = 0; v < vectors; v++) {
        if (spec.fma) f.get(s).get(bv[v]!).get(acc[r]![v]!).f32x4RelaxedMadd().set(acc[r]![v]!);
        else f.get(acc[r]![v]!).get(s).get(bv[v]!).f32x4Mul().f32x4Add().set(acc[r]![v]!);
      }
    }
    f.get(pa);
    push(aInner).add().set(pa);
    f.get(pb);
    push(rowBytes).add().set(pb);
    f.get(p).i32(1).sub().tee(p).brIf(0);
    f.end().end();
    // pc = C + i·n·4 + j·4, kept in pa (free now).
    f.get(C).get(i);
    push(rowBytes).mul().add().get(j).i32(4).mul().add().set(pa);
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < vectors; v++) {
        const store = (emit: (offset: number) => void) => {
          const offset = address(pa, rowBytes, r) + 16 * v;
          f.get(acc[r]![v]!);
          emit(offset);
        };
        if (tail === 4) store((o) => f.v128Store(o));
        else if (tail === 1) store((o) => f.v128Store32Lane(0, o));
        else store((o) => f.v128Store64Lane(0, o));
        if (tail === 3) store((o) => f.v128Store32Lane(2, o + 8));
      }
    }
  };

  /** B's vector at pb + offset into local `to`: 4 floats, or the first `tail` with zeros after. */
  const loadB = (tail: number, offset: number, to: number) => {
    f.get(pb);
    if (tail === 4) f.v128Load(offset);
    else if (tail === 1) f.v128Load32Zero(offset);
    else f.v128Load64Zero(offset);
    if (tail === 3)
      f.set(to)
        .get(pb)
        .get(to)
        .v128Load32Lane(2, offset + 8);
    f.set(to);
  };
  /** All column tiles of one block of `rows` rows at row i. */
  const across = (rows: number) => {
    const V = spec.vectors;
    f.i32(0).set(j);
    f.block().loop();
    f.get(j)
      .i32(4 * V)
      .add();
    push(N).gtS().brIf(1);
    tile(rows, V);
    f.get(j)
      .i32(4 * V)
      .add()
      .set(j)
      .br(0);
    f.end().end();
    // The remaining columns (fewer than 4·V), one vector at a time, then 1-3 in a partial one.
    f.block().loop();
    f.get(j).i32(4).add();
    push(N).gtS().brIf(1);
    tile(rows, 1);
    f.get(j).i32(4).add().set(j).br(0);
    f.end().end();
    if ("c" in N) {
      if (N.c % 4 !== 0) tile(rows, 1, N.c % 4);
    } else {
      for (let tail = 1; tail < 4; tail++) {
        push(N).get(j).sub().i32(tail).eq().if();
        tile(rows, 1, tail);
        f.end();
      }
    }
  };

  /** Blocks of `rows` rows while they fit, from row i on. */
  const down = (rows: number) => {
    f.block().loop();
    f.get(i).i32(rows).add();
    push(M).gtS().brIf(1);
    across(rows);
    f.get(i).i32(rows).add().set(i).br(0);
    f.end().end();
  };
  f.get(ROW0).set(i);
  down(spec.rows);
  if (spec.rows > 1) down(1);
  return f;
}

function scaled(f: FunctionBody, v: Value, by: number): Value {
  if ("c" in v) return { c: v.c * by };
  const l = f.local(I32);
  f.get(v.local).i32(by).mul().set(l);
  return { local: l };
}
