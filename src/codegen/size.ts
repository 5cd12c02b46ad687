// Sizes known up to the batch size: c · batch^p. Shapes become lists of Sizes, and strides are
// their suffix products, so every loop bound and index in generated code is a constant or a
// constant times `batch`.
import { BATCH, type Dim, type Shape } from "../graph/ir.js";
import { CompileError } from "./errors.js";
import type { Size } from "./plan.js";

export const ONE: Size = { c: 1, p: 0 };
export const ZERO: Size = { c: 0, p: 0 };

/** A dimension as a Size; `batch` is a constant when the batch size is fixed at compile time. */
export function dimSize(d: Dim, batch: number | undefined): Size {
  if (typeof d === "number") return { c: d, p: 0 };
  if (d !== BATCH) throw new CompileError(`cannot compile the symbolic dimension '${d}': only '${BATCH}' is bound at run time`);
  return batch === undefined ? { c: 1, p: 1 } : { c: batch, p: 0 };
}

export function shapeSizes(s: Shape, batch: number | undefined): Size[] {
  return s.map((d) => dimSize(d, batch));
}

export function mul(a: Size, b: Size): Size {
  const c = a.c * b.c;
  return c === 0 ? ZERO : { c, p: a.p + b.p };
}

export function product(sizes: readonly Size[]): Size {
  return sizes.reduce(mul, ONE);
}

/** The number of elements of a shape, as a Size. */
export function elements(s: Shape, batch: number | undefined): Size {
  return product(shapeSizes(s, batch));
}

export function sameSize(a: Size, b: Size): boolean {
  return a.c === b.c && (a.p === b.p || a.c === 0);
}

export function isConst(s: Size, value: number): boolean {
  return sameSize(s, { c: value, p: 0 });
}

/** Row-major strides of a shape. */
export function contiguous(extents: readonly Size[]): Size[] {
  const out: Size[] = new Array<Size>(extents.length);
  let s = ONE;
  for (let d = extents.length - 1; d >= 0; d--) {
    out[d] = s;
    s = mul(s, extents[d]!);
  }
  return out;
}

/** Strides to read an array of shape `from` as if broadcast (numpy, right-aligned) to `to`. */
export function broadcastStrides(from: readonly Size[], to: readonly Size[]): Size[] {
  const own = contiguous(from);
  const lead = to.length - from.length;
  return to.map((_, d) => {
    const k = d - lead;
    if (k < 0) return ZERO;
    return isConst(from[k]!, 1) && !isConst(to[d]!, 1) ? ZERO : own[k]!;
  });
}

/** Strides to read an array of shape `from` through an axis permutation (output axis d = input axis perm[d]). */
export function permutedStrides(from: readonly Size[], perm: readonly number[]): Size[] {
  const own = contiguous(from);
  return perm.map((p) => own[p]!);
}

export function sameStrides(a: readonly Size[], b: readonly Size[]): boolean {
  return a.length === b.length && a.every((s, i) => sameSize(s, b[i]!));
}
