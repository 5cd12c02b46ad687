// Float64 reference loops of pooling over NCHW tensors, channel by channel. Max pooling picks the
// first maximum of each window in row-major window order (numpy's argmax, as the book), skipping
// positions in the padding; average pooling divides by size² whatever the padding (PyTorch's
// count_include_pad, ONNX's count_include_pad = 1), so it is linear and its adjoint is exact.
import { tensor, type Tensor } from "../tensor.js";
import { eachTap, outExtent, type Window } from "./window.js";

export interface PoolAttrs extends Window {
  readonly size: number;
}

/** Calls `f(plane of x, plane of y)` for every (batch, channel) plane: flat offsets into each. */
function eachPlane(xShape: readonly number[], oh: number, ow: number, f: (xo: number, yo: number) => void): void {
  const [n, c, h, w] = xShape as [number, number, number, number];
  for (let p = 0; p < n * c; p++) f(p * h * w, p * oh * ow);
}

function geometry(shape: readonly number[], a: PoolAttrs) {
  const [n, c, h, w] = shape as [number, number, number, number];
  return { n, c, h, w, oh: outExtent(h, a.size, a), ow: outExtent(w, a.size, a) };
}

/** For each output element, the flat index into x of its window's first maximum. */
export function maxPoolArgmax(x: Tensor, a: PoolAttrs): { shape: number[]; at: Int32Array } {
  const g = geometry(x.shape, a);
  const at = new Int32Array(g.n * g.c * g.oh * g.ow).fill(-1);
  eachPlane(x.shape, g.oh, g.ow, (xo, yo) => {
    eachTap(g, a.size, a.size, a, (o, _k, i) => {
      const best = at[yo + o]!;
      if (best < 0 || x.data[xo + i]! > x.data[best]!) at[yo + o] = xo + i;
    });
  });
  return { shape: [g.n, g.c, g.oh, g.ow], at };
}

export function maxPoolRef(x: Tensor, a: PoolAttrs): Tensor {
  const { shape, at } = maxPoolArgmax(x, a);
  return tensor(
    shape,
    Array.from(at, (i) => x.data[i]!),
  );
}

/** dx: each dy element added at its window's maximum of x. */
export function maxPoolBackwardRef(x: Tensor, dy: Tensor, a: PoolAttrs): Tensor {
  const { at } = maxPoolArgmax(x, a);
  const dx = tensor(x.shape);
  at.forEach((i, o) => (dx.data[i]! += dy.data[o]!));
  return dx;
}

/** g read at each window's maximum of x: the adjoint of maxPoolBackwardRef in dy. */
export function maxPoolGatherRef(x: Tensor, g: Tensor, a: PoolAttrs): Tensor {
  const { shape, at } = maxPoolArgmax(x, a);
  return tensor(
    shape,
    Array.from(at, (i) => g.data[i]!),
  );
}

/** Which tap of its window each output's maximum is (row-major in the window): what gradcheck compares across ±h. */
export function maxPoolSides(x: Tensor, a: PoolAttrs): Tensor {
  const { at } = maxPoolArgmax(x, a);
  const g = geometry(x.shape, a);
  const sides = tensor([at.length]);
  eachPlane(x.shape, g.oh, g.ow, (xo, yo) => {
    eachTap(g, a.size, a.size, a, (o, k, i) => {
      if (at[yo + o] === xo + i) sides.data[yo + o] = k;
    });
  });
  return sides;
}

export function avgPoolRef(x: Tensor, a: PoolAttrs): Tensor {
  const g = geometry(x.shape, a);
  const y = tensor([g.n, g.c, g.oh, g.ow]);
  const scale = 1 / (a.size * a.size);
  eachPlane(x.shape, g.oh, g.ow, (xo, yo) => eachTap(g, a.size, a.size, a, (o, _k, i) => (y.data[yo + o]! += x.data[xo + i]! * scale)));
  return y;
}

/** dx of average pooling back to an h×w input: each dy element spread over its window. */
export function avgPoolBackwardRef(dy: Tensor, h: number, w: number, a: PoolAttrs): Tensor {
  const [n, c, oh, ow] = dy.shape as [number, number, number, number];
  const dx = tensor([n, c, h, w]);
  const scale = 1 / (a.size * a.size);
  const g = { h, w, oh, ow };
  eachPlane(dx.shape, oh, ow, (xo, yo) => eachTap(g, a.size, a.size, a, (o, _k, i) => (dx.data[xo + i]! += dy.data[yo + o]! * scale)));
  return dx;
}
