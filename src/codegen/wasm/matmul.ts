// A matmul kernel in WebAssembly SIMD: C = op(A) · B for one MatmulKernel of the plan, every
// extent and stride a constant or c · batch^p computed once on entry from the `batch` argument.
// Layout in the arena (byte offsets are the arguments): op(A) is read in place through its
// strides (so xᵀ needs no transpose), one float at a time, splatted across a vector; B is packed
// by the caller as [k × np] rows, np = n rounded up to 4 with zero padding; C is written as
// [m × np] rows. Register tiles of R rows × V vectors of 4 columns keep R·V f32x4 sums across
// the whole inner dimension: per step, V vector loads of B and R scalar loads of A feed R·V
// multiply-adds (no FMA: relaxed SIMD is not in Node 20). Sums run over p in order, like the
// reference, in float32.
import type { Size } from "../plan.js";
import { FunctionBody, I32, V128 } from "./encode.js";

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
}

/** A value known at compile time, or held in a local computed on entry. */
type Value = { readonly c: number } | { readonly local: number };

/** (a, b, c, batch) -> (): byte offsets of op(A)'s storage, packed B and C in the memory. */
export function matmulFunction(spec: MatmulSpec): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32]);
  const [A, B, C, BATCH] = [0, 1, 2, 3];
  const value = (s: Size, scale = 1): Value => {
    if (s.p === 0) return { c: s.c * scale };
    const l = f.local(I32);
    f.i32(s.c * scale);
    for (let q = 0; q < s.p; q++) f.get(BATCH).mul();
    f.set(l);
    return { local: l };
  };
  const push = (v: Value) => ("c" in v ? f.i32(v.c) : f.get(v.local));
  const M = value(spec.m);
  const K = value(spec.k);
  const aRow = value(spec.aRow, 4);
  const aInner = value(spec.aInner, 4);
  // np = n rounded up to a multiple of 4; rows of B and C are np floats apart.
  const NP: Value = spec.n.p === 0 ? { c: Math.ceil(spec.n.c / 4) * 4 } : roundUp(f, value(spec.n));
  const rowBytes: Value = "c" in NP ? { c: NP.c * 4 } : scaled(f, NP, 4);
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

  /** One tile of `rows` × `vectors` at row i, column j. */
  const tile = (rows: number, vectors: number) => {
    for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) f.v128Zero().set(acc[r]![v]!);
    f.get(A).get(i);
    push(aRow).mul().add().set(pa);
    f.get(B).get(j).i32(4).mul().add().set(pb);
    push(K).set(p);
    f.block().get(p).eqz().brIf(0);
    f.loop();
    for (let v = 0; v < vectors; v++) f.get(pb).v128Load(16 * v).set(bv[v]!);
    for (let r = 0; r < rows; r++) {
      const offset = address(pa, aRow, r);
      f.f32Load(offset).f32x4Splat().set(s);
      for (let v = 0; v < vectors; v++) f.get(acc[r]![v]!).get(s).get(bv[v]!).f32x4Mul().f32x4Add().set(acc[r]![v]!);
    }
    f.get(pa);
    push(aInner).add().set(pa);
    f.get(pb);
    push(rowBytes).add().set(pb);
    f.get(p).i32(1).sub().tee(p).brIf(0);
    f.end().end();
    // pc = C + i·np·4 + j·4, kept in pa (free now).
    f.get(C).get(i);
    push(rowBytes).mul().add().get(j).i32(4).mul().add().set(pa);
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < vectors; v++) {
        const offset = address(pa, rowBytes, r);
        f.get(acc[r]![v]!).v128Store(offset + 16 * v);
      }
    }
  };

  /** All column tiles of one block of `rows` rows at row i. */
  const across = (rows: number) => {
    const V = spec.vectors;
    f.i32(0).set(j);
    f.block().loop();
    f.get(j).i32(4 * V).add();
    push(NP).gtS().brIf(1);
    tile(rows, V);
    f.get(j).i32(4 * V).add().set(j).br(0);
    f.end().end();
    // The remaining columns (fewer than 4·V, a multiple of 4), one vector at a time.
    f.block().loop();
    f.get(j);
    push(NP).ltS().eqz().brIf(1);
    tile(rows, 1);
    f.get(j).i32(4).add().set(j).br(0);
    f.end().end();
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
  f.i32(0).set(i);
  down(spec.rows);
  if (spec.rows > 1) down(1);
  return f;
}

function roundUp(f: FunctionBody, v: Value): Value {
  if ("c" in v) return { c: Math.ceil(v.c / 4) * 4 };
  f.get(v.local).i32(3).add().i32(-4).and().set(v.local);
  return v;
}

function scaled(f: FunctionBody, v: Value, by: number): Value {
  if ("c" in v) return { c: v.c * by };
  const l = f.local(I32);
  f.get(v.local).i32(by).mul().set(l);
  return { local: l };
}
