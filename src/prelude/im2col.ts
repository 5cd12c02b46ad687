// The convolution kernels' layout moves for the wasm backend (src/codegen/kernels/conv/wasm.ts):
// one image of an NCHW tensor unrolled into the matrix whose product with the filters is the
// convolution (the book's im2col, zero padding), and back. Columns or rows are indexed by
// (c, ky, kx), the positions by (oy, ox); `x` and `mem` are views of the arena, `to`/`from` float
// indices into `mem`. The geometry is [C, H, W, KH, KW, stride, pad, OH, OW].

type Geometry = readonly [number, number, number, number, number, number, number, number, number];

/** Image n of x as [C·KH·KW × OH·OW] rows (one per tap) at mem[to]: W · this is the image's output. */
export function im2colT(mem: Floats, to: number, x: Floats, n: number, g: Geometry): void {
  const [C, H, W, KH, KW, S, P, OH, OW] = g;
  let at = to;
  for (let c = 0; c < C; c++) {
    const plane = (n * C + c) * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * S - P + ky;
          const inside = iy >= 0 && iy < H;
          const row = plane + iy * W;
          for (let ox = 0; ox < OW; ox++, at++) {
            const ix = ox * S - P + kx;
            mem[at] = inside && ix >= 0 && ix < W ? x[row + ix]! : 0;
          }
        }
      }
    }
  }
}

/** Image n of x as [OH·OW × C·KH·KW] (one row per output position) at mem[to]: dY · this is the image's dW. */
export function im2colR(mem: Floats, to: number, x: Floats, n: number, g: Geometry): void {
  const [C, H, W, KH, KW, S, P, OH, OW] = g;
  const taps = C * KH * KW;
  for (let c = 0; c < C; c++) {
    const plane = (n * C + c) * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        let at = to + (c * KH + ky) * KW + kx;
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * S - P + ky;
          const inside = iy >= 0 && iy < H;
          const row = plane + iy * W;
          for (let ox = 0; ox < OW; ox++, at += taps) {
            const ix = ox * S - P + kx;
            mem[at] = inside && ix >= 0 && ix < W ? x[row + ix]! : 0;
          }
        }
      }
    }
  }
}

/** Adds the [OH·OW × C·KH·KW] rows at mem[from] back into image n of dx (col2im; taps in the padding are dropped). */
export function col2imR(mem: Floats, from: number, dx: Floats, n: number, g: Geometry): void {
  const [C, H, W, KH, KW, S, P, OH, OW] = g;
  const taps = C * KH * KW;
  for (let c = 0; c < C; c++) {
    const plane = (n * C + c) * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        let at = from + (c * KH + ky) * KW + kx;
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * S - P + ky;
          const inside = iy >= 0 && iy < H;
          const row = plane + iy * W;
          for (let ox = 0; ox < OW; ox++, at += taps) {
            const ix = ox * S - P + kx;
            if (inside && ix >= 0 && ix < W) dx[row + ix]! += mem[at]!;
          }
        }
      }
    }
  }
}

/** to[i] (+)= mem[from + i] for i < count: the first image's filter gradient sets, the others add. */
export function accumulate(to: Floats, mem: Floats, from: number, count: number, first: boolean): void {
  if (first) for (let i = 0; i < count; i++) to[i] = mem[from + i]!;
  else for (let i = 0; i < count; i++) to[i]! += mem[from + i]!;
}
