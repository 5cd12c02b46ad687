// Sliding windows over the two spatial axes of NCHW tensors, shared by convolution and pooling:
// the output size rule (numpy/PyTorch/ONNX: floor((n + 2·pad - k) / stride) + 1), the checks
// behind it, and the float64 reference loops. A window position (oy, ox, ky, kx) reads input
// row oy·stride - pad + ky and column ox·stride - pad + kx; positions in the padding read 0
// (convolution, average pooling) or are skipped (max pooling).
import { showShape, type Dim, type Shape } from "../ir.js";
import { tensor, type Tensor } from "../tensor.js";
import { ShapeError } from "./types.js";

export interface Window {
  readonly stride: number;
  readonly pad: number;
}

/** Output extent of one spatial axis: floor((n + 2·pad - k) / stride) + 1. */
export function outExtent(n: number, k: number, { stride, pad }: Window): number {
  return Math.floor((n + 2 * pad - k) / stride) + 1;
}

/** Checks stride and pad, which must be a positive and a non-negative integer. */
export function checkWindow(op: string, { stride, pad }: Window): void {
  if (!Number.isInteger(stride) || stride < 1) throw new ShapeError(`${op}: stride must be a positive integer, got ${stride}`);
  if (!Number.isInteger(pad) || pad < 0) throw new ShapeError(`${op}: pad must be a non-negative integer, got ${pad}`);
}

/** `s` as [batch, channels, height, width] (a filter: [filters, ...]) with known channels, height and width. */
export function nchw(op: string, s: Shape, what: string): [Dim, number, number, number] {
  const [n, c, h, w] = s;
  if (s.length !== 4 || typeof c !== "number" || typeof h !== "number" || typeof w !== "number") {
    const first = what.includes("filter") ? "filters" : "batch";
    throw new ShapeError(`${op} needs ${what} of shape [${first}, channels, height, width], got ${showShape(s)}`);
  }
  return [n!, c, h, w];
}

/** The output's height and width, or a ShapeError when the kernel does not fit the padded input. */
export function spatialOut(op: string, h: number, w: number, kh: number, kw: number, win: Window, kernel = "kernel"): [number, number] {
  checkWindow(op, win);
  if (kh > h + 2 * win.pad || kw > w + 2 * win.pad) {
    const padded =
      win.pad === 0 ? `input (${h}×${w})` : `padded input (${h + 2 * win.pad}×${w + 2 * win.pad}: ${h}×${w} with pad ${win.pad})`;
    throw new ShapeError(`${op}: the ${kh}×${kw} ${kernel} is larger than the ${padded}`);
  }
  return [outExtent(h, kh, win), outExtent(w, kw, win)];
}

/** Geometry of one window op on concrete shapes: extents and the flat offsets of the planes. */
interface Planes {
  readonly h: number;
  readonly w: number;
  readonly oh: number;
  readonly ow: number;
}

/**
 * Visits every (output position, kernel position) pair whose input position is inside the
 * image: `f(o, k, i)` with o = oy·ow + ox, k = ky·kw + kx, i = iy·w + ix.
 */
export function eachTap(p: Planes, kh: number, kw: number, { stride, pad }: Window, f: (o: number, k: number, i: number) => void): void {
  for (let oy = 0; oy < p.oh; oy++) {
    for (let ox = 0; ox < p.ow; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * stride - pad + ky;
        if (iy < 0 || iy >= p.h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * stride - pad + kx;
          if (ix < 0 || ix >= p.w) continue;
          f(oy * p.ow + ox, ky * kw + kx, iy * p.w + ix);
        }
      }
    }
  }
}

/**
 * The loop nest of all three convolution references: for each (image, filter, channel) plane and
 * each tap inside the image, `tap(x index, W index, y index)` (flat, into NCHW x, [F, C, KH, KW] W
 * and NCHW y), in the order (b, f, c, oy, ox, ky, kx). Plain loops: the interpreter runs whole
 * convolutional networks through them.
 */
function convTaps(
  [n, c, h, w]: readonly number[],
  [f, kh, kw]: readonly number[],
  [oh, ow]: readonly number[],
  { stride, pad }: Window,
  tap: (xi: number, wi: number, yi: number) => void,
): void {
  for (let b = 0; b < n!; b++)
    for (let fi = 0; fi < f!; fi++)
      for (let ci = 0; ci < c!; ci++) {
        const [xo, wo, yo] = [(b * c! + ci) * h! * w!, (fi * c! + ci) * kh! * kw!, (b * f! + fi) * oh! * ow!];
        for (let oy = 0; oy < oh!; oy++)
          for (let ox = 0; ox < ow!; ox++)
            for (let ky = 0; ky < kh!; ky++) {
              const iy = oy * stride - pad + ky;
              if (iy < 0 || iy >= h!) continue;
              for (let kx = 0; kx < kw!; kx++) {
                const ix = ox * stride - pad + kx;
                if (ix >= 0 && ix < w!) tap(xo + iy * w! + ix, wo + ky * kw! + kx, yo + oy * ow! + ox);
              }
            }
      }
}

/** y[n, f] = Σ_c x[n, c] ⋆ W[f, c] (cross-correlation, zero padding). */
export function conv2dRef(x: Tensor, W: Tensor, win: Window): Tensor {
  const [n, , h, w] = x.shape as [number, number, number, number];
  const [f, , kh, kw] = W.shape as [number, number, number, number];
  const y = tensor([n, f, outExtent(h, kh, win), outExtent(w, kw, win)]);
  const [xd, wd, yd] = [x.data, W.data, y.data];
  convTaps(x.shape, [f, kh, kw], y.shape.slice(2), win, (xi, wi, yi) => (yd[yi]! += xd[xi]! * wd[wi]!));
  return y;
}

/** dx[n, c] = Σ_f dy[n, f] scattered through W[f, c]: the adjoint of conv2d in x. */
export function conv2dInputRef(dy: Tensor, W: Tensor, h: number, w: number, win: Window): Tensor {
  const [n, f, oh, ow] = dy.shape as [number, number, number, number];
  const [, c, kh, kw] = W.shape as [number, number, number, number];
  const dx = tensor([n, c, h, w]);
  const [dxd, wd, dyd] = [dx.data, W.data, dy.data];
  convTaps(dx.shape, [f, kh, kw], [oh, ow], win, (xi, wi, yi) => (dxd[xi]! += dyd[yi]! * wd[wi]!));
  return dx;
}

/** dW[f, c] = Σ_n x[n, c] ⋆ dy[n, f]: the adjoint of conv2d in W. */
export function conv2dFilterRef(x: Tensor, dy: Tensor, kh: number, kw: number, win: Window): Tensor {
  const [, c] = x.shape as [number, number];
  const [, f, oh, ow] = dy.shape as [number, number, number, number];
  const dW = tensor([f, c, kh, kw]);
  const [xd, dwd, dyd] = [x.data, dW.data, dy.data];
  convTaps(x.shape, [f, kh, kw], [oh, ow], win, (xi, wi, yi) => (dwd[wi]! += xd[xi]! * dyd[yi]!));
  return dW;
}
