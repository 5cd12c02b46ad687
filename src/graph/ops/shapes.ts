// Shape rules shared by several ops. Dimensions may be symbols (`batch`): two symbols agree when
// they are the same symbol, and a symbol never silently broadcasts against a constant.
import { showShape, type Dim, type Shape } from "../ir.js";
import { ShapeError } from "./types.js";

/** numpy broadcasting, symbolic. */
export function broadcastShape(a: Shape, b: Shape, what = "operands"): Shape {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else throw new ShapeError(`shapes do not broadcast: ${what} have shapes ${showShape(a)} and ${showShape(b)}`);
  }
  return out;
}

export function checkAxes(s: Shape, axes: readonly number[]): void {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= s.length) {
      throw new ShapeError(`axis ${a} is out of range for a tensor of shape ${showShape(s)} (rank ${s.length})`);
    }
  }
  if (new Set(axes).size !== axes.length) throw new ShapeError(`repeated axis in [${axes.join(", ")}]`);
}

export function reducedShape(s: Shape, axes: readonly number[], keepdims: boolean): Shape {
  checkAxes(s, axes);
  return keepdims ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i));
}

/** The product of the dimensions, with symbols kept as factors: `[batch, 784]` -> {n: 784, syms: [batch]}. */
export function symbolicSize(s: Shape): { n: number; syms: string[] } {
  let n = 1;
  const syms: string[] = [];
  for (const d of s) {
    if (typeof d === "number") n *= d;
    else syms.push(d);
  }
  return { n, syms: syms.sort() };
}

export function sameSize(a: Shape, b: Shape): boolean {
  const x = symbolicSize(a);
  const y = symbolicSize(b);
  return x.n === y.n && x.syms.join() === y.syms.join();
}
