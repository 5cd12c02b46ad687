// The float64 references of the convolution and pooling ops against independent oracles: the
// book's ch. 7 route (im2col, then a matrix product; pooling as the max or mean of im2col rows),
// and per-channel batch norm's statistics. Equality within 1e-12 relative: the two routes add the
// same products in different orders.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OPS } from "../../src/graph/ops/index.js";
import { matmul, tensor, type Tensor } from "../../src/graph/tensor.js";
import type { EvalContext } from "../../src/graph/ops/types.js";

const ctx = (training: boolean): EvalContext => ({ training, stream: () => () => 0, dims: new Map(), feed: () => tensor([]) });

function random(shape: number[], seed: number): Tensor {
  let s = seed;
  const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return tensor(
    shape,
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 4 * u() - 2),
  );
}

/** The book's im2col: rows (n, oy, ox), columns (c, ky, kx), zero padding. */
function im2col(x: Tensor, kh: number, kw: number, stride: number, pad: number): { col: Tensor; oh: number; ow: number } {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * pad - kh) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - kw) / stride) + 1;
  const col = tensor([n * oh * ow, c * kh * kw]);
  let r = 0;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++, r++)
        for (let ci = 0; ci < c; ci++)
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const [iy, ix] = [oy * stride - pad + ky, ox * stride - pad + kx];
              const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
              col.data[r * c * kh * kw + (ci * kh + ky) * kw + kx] = inside ? x.data[((b * c + ci) * h + iy) * w + ix]! : 0;
            }
  return { col, oh, ow };
}

const close = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
};

const geometry = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  c: fc.integer({ min: 1, max: 3 }),
  f: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 3, max: 7 }),
  w: fc.integer({ min: 3, max: 7 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 3 }),
  pad: fc.integer({ min: 0, max: 2 }),
  seed: fc.nat(),
});

describe("convolution and pooling references", () => {
  it("conv2d = im2col(x) @ reshape(W)ᵀ, as the book's Convolution layer", () => {
    fc.assert(
      fc.property(geometry, ({ n, c, f, h, w, k, stride, pad, seed }) => {
        const x = random([n, c, h, w], seed);
        const W = random([f, c, k, k], seed + 1);
        const { col, oh, ow } = im2col(x, k, k, stride, pad);
        const product = matmul(col, { shape: [f, c * k * k], data: W.data }, false, true); // [n·oh·ow, f]
        const expected = tensor([n, f, oh, ow]);
        for (let r = 0; r < n * oh * ow; r++)
          for (let fi = 0; fi < f; fi++) {
            const [b, o] = [Math.floor(r / (oh * ow)), r % (oh * ow)];
            expected.data[(b * f + fi) * oh * ow + o] = product.data[r * f + fi]!;
          }
        close(OPS.conv2d.eval([x, W], { stride, pad }, ctx(true)), expected);
      }),
      { seed: 3, numRuns: 60 },
    );
  });

  it("max_pool and avg_pool without padding = the max and mean of each im2col row, channel by channel", () => {
    fc.assert(
      fc.property(geometry, ({ n, c, h, w, k, stride, seed }) => {
        const x = random([n, c, h, w], seed);
        const attrs = { size: k, stride, pad: 0 };
        const max = OPS.max_pool.eval([x], attrs, ctx(true));
        const avg = OPS.avg_pool.eval([x], attrs, ctx(true));
        // One channel at a time: im2col of [n·c, 1, h, w].
        const { col, oh, ow } = im2col({ shape: [n * c, 1, h, w], data: x.data }, k, k, stride, 0);
        for (let r = 0; r < n * c * oh * ow; r++) {
          const row = col.data.subarray(r * k * k, (r + 1) * k * k);
          expect(max.data[r]).toBe(Math.max(...row));
          expect(avg.data[r]).toBeCloseTo(row.reduce((a, v) => a + v, 0) / (k * k), 12);
        }
      }),
      { seed: 4, numRuns: 60 },
    );
  });

  it("padding never wins a max, and counts as zeros in an average", () => {
    const x = tensor([1, 1, 2, 2], [-1, -2, -3, -4]);
    expect([...OPS.max_pool.eval([x], { size: 2, stride: 1, pad: 1 }, ctx(true)).data]).toEqual([-1, -1, -2, -1, -1, -2, -3, -3, -4]);
    expect(OPS.avg_pool.eval([x], { size: 2, stride: 2, pad: 1 }, ctx(true)).data[0]).toBe(-0.25);
  });

  it("batchnorm of [batch, C, H, W] in training: each channel has mean 0 and variance 1 over batch and space", () => {
    const x = random([3, 2, 4, 5], 9);
    const ones = tensor([2], [1, 1]);
    const zeros = tensor([2]);
    const y = OPS.batchnorm.eval([x, ones, zeros, zeros, ones], { eps: 0 }, ctx(true));
    for (let ch = 0; ch < 2; ch++) {
      const v: number[] = [];
      for (let b = 0; b < 3; b++) v.push(...y.data.subarray((b * 2 + ch) * 20, (b * 2 + ch + 1) * 20));
      const mean = v.reduce((a, e) => a + e, 0) / v.length;
      expect(Math.abs(mean)).toBeLessThan(1e-12);
      expect(v.reduce((a, e) => a + (e - mean) ** 2, 0) / v.length).toBeCloseTo(1, 12);
    }
  });
});
