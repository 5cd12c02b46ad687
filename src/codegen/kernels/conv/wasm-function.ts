// The convolution row kernels in WebAssembly. Their rows are images, so a job over the batch is
// shared between the threads image by image (src/prelude/im2col.ts: runImages). A kernel reads
// its operands' byte offsets from four i32s in the arena (desc: in0, in1, out, scratch), works in
// the scratch slot of its chunk (slot = lo / ceil(batch / SLOTS): the chunks are fixed by the
// batch alone, so the bits do not depend on the thread count), moves one image at a time between
// NCHW and the unrolled matrix (im2col, col2im; zero padding) and calls the matmul row kernel
// (../matmul/wasm-function.ts: kernel k is the module's function k) for the product:
//   conv2d                  y_n  = W [F × CKK] · colT(x_n) [CKK × P]
//   conv2d_backward_filter  partial(slot) += dy_n [F × P] · colR(x_n) [P × CKK]  (summed by the caller)
//                           or, with fewer filters than taps, partialᵀ += colT(x_n) [CKK × P] · dy_nᵀ [P × F]
//                           (dy_n transposed: F·P floats moved instead of scattering CKK·P)
//   conv2d_backward_input   dx_n = col2im(dy_nᵀ [P × F] · W [F × CKK])
import { FunctionBody, I32 } from "../../wasm/encode.js";
import { call, divU, i32Load, loop, ltU } from "../wasm-ops.js";

/** Chunks (and scratch slots) a job over the batch is cut into. */
export const SLOTS = 8;

/** [C, H, W, KH, KW, stride, pad, OH, OW]. */
export type Geometry = readonly [number, number, number, number, number, number, number, number, number];

export type ConvOp = "conv2d" | "conv2d_backward_input" | "conv2d_backward_filter";

type Move = "im2colT" | "im2colR" | "col2imR";

const align4 = (n: number) => Math.ceil(n / 4) * 4;

/** The filter gradient as partialᵀ = colT · dyᵀ: when there are fewer filters than taps (DeepConvNet's). */
export const transposedFilterGradient = ([C, , , KH, KW]: Geometry, filters: number) => filters < C * KH * KW;

/**
 * One slot, in floats: the unrolled image at 0; for the filter gradient, then dy_nᵀ (transposed
 * route), an image's product and the chunk's partial sum (`partial`, which the caller adds up).
 */
export function slotLayout(op: ConvOp, g: Geometry, filters: number) {
  const [C, , , KH, KW, , , OH, OW] = g;
  const col = align4(C * KH * KW * OH * OW);
  const grad = align4(filters * C * KH * KW);
  const dyT = transposedFilterGradient(g, filters) ? align4(filters * OH * OW) : 0;
  return op === "conv2d_backward_filter"
    ? { dyT: col, product: col + dyT, partial: col + dyT + grad, floats: col + dyT + 2 * grad }
    : { dyT: 0, product: 0, partial: 0, floats: col };
}

const from0 = (f: FunctionBody) => () => f.i32(0);
const until = (f: FunctionBody, n: number) => () => f.i32(n);
/** Pushes base + index · scale (i32 locals, a constant scale). */
const offset = (f: FunctionBody, base: number, index: number, scale: number) => f.get(base).get(index).i32(scale).mul().add();

/** Zeroes `count` floats from byte offset `at` (a local, advanced past them). */
function zero(f: FunctionBody, at: number, count: number): void {
  const q = f.local(I32);
  loop(f, q, from0(f), until(f, count >> 2), 1, () => f.get(at).v128Zero().v128Store().get(at).i32(16).add().set(at));
  for (let r = 0; r < (count & 3); r++)
    f.get(at)
      .f32(0)
      .f32Store(4 * r);
}

/**
 * One image between NCHW (its planes at byte offset `img`) and the unrolled matrix at `col`: rows
 * (T: one per tap, P long) or (R: one per output position, CKK long) indexed by tap (c, ky, kx)
 * and position (oy, ox). Taps are unrolled; the output positions whose input lies inside the
 * image are a constant range per tap, copied four at a time where they are contiguous.
 */
function move(f: FunctionBody, kind: Move, g: Geometry, img: number, col: number): void {
  const [C, H, W, KH, KW, S, P, OH, OW] = g;
  const int = () => f.local(I32);
  const [c, oy, q, plane, src, dst, row] = [int(), int(), int(), int(), int(), int(), int()];
  const transposed = kind === "im2colT";
  const taps = C * KH * KW;
  const [dOx, dOy] = transposed ? [4, OW * 4] : [taps * 4, OW * taps * 4];
  const tapStride = transposed ? OH * OW * 4 : 4;
  const writes = kind !== "col2imR";
  const zeros = (from: number, to: number) => {
    for (let ox = from; ox < to; ox++)
      f.get(dst)
        .f32(0)
        .f32Store(ox * dOx);
  };
  loop(f, c, from0(f), until(f, C), 1, () => {
    offset(f, img, c, H * W * 4).set(plane);
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        // ox in [lo, hi): the input column ox·S - P + kx lies inside the image.
        const lo = Math.min(OW, Math.max(0, Math.ceil((P - kx) / S)));
        const hi = Math.max(lo, Math.min(OW, Math.ceil((W + P - kx) / S)));
        const [first, count] = [(ky * KW + kx) * tapStride, hi - lo];
        loop(f, oy, from0(f), until(f, OH), 1, () => {
          offset(f, col, c, KH * KW * tapStride);
          f.get(oy).i32(dOy).mul().add().i32(first).add().set(dst);
          // row: the input row iy = oy·S - P + ky (P > 0: it may lie in the padding).
          f.get(oy)
            .i32(S)
            .mul()
            .i32(ky - P)
            .add()
            .set(row);
          if (P > 0) ltU(f.get(row).i32(H)).if();
          offset(f, plane, row, W * 4)
            .i32((lo * S - P + kx) * 4)
            .add()
            .set(src);
          if (writes) zeros(0, lo);
          if (writes) zeros(hi, OW);
          f.get(dst)
            .i32(lo * dOx)
            .add()
            .set(dst);
          if (transposed && S === 1) {
            loop(f, q, from0(f), until(f, count >> 2), 1, () => {
              f.get(dst).get(src).v128Load().v128Store();
              f.get(dst).i32(16).add().set(dst).get(src).i32(16).add().set(src);
            });
            for (let r = 0; r < (count & 3); r++)
              f.get(dst)
                .get(src)
                .f32Load(4 * r)
                .f32Store(4 * r);
          } else {
            loop(f, q, from0(f), until(f, count), 1, () => {
              if (writes) f.get(dst).get(src).f32Load().f32Store();
              else f.get(src).get(src).f32Load().get(dst).f32Load().f32Add().f32Store();
              f.get(dst)
                .i32(dOx)
                .add()
                .set(dst)
                .get(src)
                .i32(S * 4)
                .add()
                .set(src);
            });
          }
          if (P > 0) {
            f.else();
            if (writes) zeros(0, OW);
            f.end();
          }
        });
      }
    }
  });
}

/** (desc, -, -, batch, lo, hi) -> (): images lo ≤ n < hi of `op`; `mm` the matmul row kernel of its product. */
export function convFunction(op: ConvOp, g: Geometry, filters: number, mm: number): FunctionBody {
  const [C, H, W, KH, KW, , , OH, OW] = g;
  const [F, taps, positions] = [filters, C * KH * KW, OH * OW];
  const [imageBytes, mapBytes] = [C * H * W * 4, F * positions * 4];
  const { dyT, product, partial, floats } = slotLayout(op, g, filters);
  const transposed = transposedFilterGradient(g, filters);
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32]);
  const [DESC, BATCH, LO, HI] = [0, 3, 4, 5];
  const int = () => f.local(I32);
  const [in0, in1, out, slot, n, img, at, q, p, src] = [int(), int(), int(), int(), int(), int(), int(), int(), int(), int()];
  i32Load(f.get(DESC), 0).set(in0);
  i32Load(f.get(DESC), 4).set(in1);
  i32Load(f.get(DESC), 8).set(out);
  // This chunk's slot of scratch: scratch + lo / ceil(batch / SLOTS) · slot size.
  i32Load(f.get(DESC), 12).get(LO);
  divU(
    divU(
      f
        .get(BATCH)
        .i32(SLOTS - 1)
        .add()
        .i32(SLOTS),
    ),
  );
  f.i32(floats * 4)
    .mul()
    .add()
    .set(slot);
  /** The product: the matmul row kernel over rows [0, rows) of C, with A, B and C's offsets on the stack. */
  const multiply = (rows: number) => call(f.get(BATCH).i32(0).i32(rows), mm);
  f.get(LO).set(n).block().loop();
  f.get(n).get(HI).ltS().eqz().brIf(1);
  if (op === "conv2d") {
    offset(f, in0, n, imageBytes).set(img);
    move(f, "im2colT", g, img, slot);
    offset(f.get(in1).get(slot), out, n, mapBytes);
    multiply(F);
  } else if (op === "conv2d_backward_filter") {
    offset(f, in0, n, imageBytes).set(img);
    move(f, transposed ? "im2colT" : "im2colR", g, img, slot);
    // The chunk's first image writes the partial sum; the others a product added to it.
    f.get(n)
      .get(LO)
      .eq()
      .if()
      .get(slot)
      .i32(partial * 4)
      .add()
      .set(at);
    f.else()
      .get(slot)
      .i32(product * 4)
      .add()
      .set(at)
      .end();
    if (transposed) {
      // dy_nᵀ: row p holds dy_n[·, p] (img walks dy_n in order, q the rows of dyT).
      offset(f, in1, n, mapBytes).set(img);
      loop(f, q, from0(f), until(f, F * 4), 4, () => {
        f.get(slot)
          .i32(dyT * 4)
          .add()
          .get(q)
          .add()
          .set(src);
        loop(f, p, from0(f), until(f, positions), 1, () => {
          f.get(src).get(img).f32Load().f32Store();
          f.get(src)
            .i32(F * 4)
            .add()
            .set(src)
            .get(img)
            .i32(4)
            .add()
            .set(img);
        });
      });
      f.get(slot)
        .get(slot)
        .i32(dyT * 4)
        .add()
        .get(at);
      multiply(taps);
    } else {
      offset(f, in1, n, mapBytes).get(slot).get(at);
      multiply(F);
    }
    f.get(n).get(LO).eq().eqz().if();
    f.get(slot)
      .i32(partial * 4)
      .add()
      .set(at)
      .get(slot)
      .i32(product * 4)
      .add()
      .set(img);
    loop(f, q, from0(f), until(f, F * taps), 1, () => {
      f.get(at).get(at).f32Load().get(img).f32Load().f32Add().f32Store();
      f.get(at).i32(4).add().set(at).get(img).i32(4).add().set(img);
    });
    f.end();
  } else {
    offset(f, in0, n, mapBytes).get(in1).get(slot);
    multiply(positions);
    offset(f, out, n, imageBytes).set(img).get(img).set(at);
    zero(f, at, C * H * W);
    move(f, "col2imR", g, img, slot);
  }
  f.get(n).i32(1).add().set(n).br(0);
  f.end().end();
  return f;
}
