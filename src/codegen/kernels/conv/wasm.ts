// The convolution kernels with the wasm backend: the book's im2col route, so every product is the
// tuned matmul row kernel (../matmul/wasm-function.ts, f32x4 register tiles, relaxed-SIMD FMA
// where it validates) on operands read in place in the arena. One row kernel per op and geometry
// (./wasm-function.ts) runs whole images: im2col (or col2im) in WebAssembly and the product,
// image after image, the batch cut into SLOTS chunks that the threads share (runImages,
// src/prelude/im2col.ts); the filter gradient's chunks leave partial sums that are added up in a
// fixed order. Each image's unrolled matrix is still in cache for its product.
//
// Against a direct kernel: with im2col the products run at the matmul kernel's speed and every
// geometry (channels, stride, pad) takes the same path; the unrolled image costs one pass of
// C·KH·KW·P floats per image, a small share of the step (measured: DESIGN.md, Backends and
// kernel plugins).
import type { Node } from "../../../graph/ir.js";
import { nchw } from "../../../graph/ops/window.js";
import { comment, js, type Code, type Name } from "../../code.js";
import type { KernelEnv } from "../../env.js";
import type { Size } from "../../plan.js";
import { resolve } from "../../schedule.js";
import { shapeSizes } from "../../size.js";
import { matmulRowKernel } from "../matmul/wasm.js";
import { convFunction, SLOTS, slotLayout, transposedFilterGradient, type ConvOp, type Geometry } from "./wasm-function.js";
import type { HeavyKernel, PlanContext, WasmTarget } from "../types.js";

/** The geometry of one image: [C, H, W, KH, KW, stride, pad, OH, OW], and the filter count F. */
export interface ConvData {
  readonly geometry: Geometry;
  readonly filters: number;
}

/** The image geometry of any of the three ops, from x's (or dx's) shape, W's (or dW's) and y's (or dy's). */
export function convPlan(node: Node<ConvOp>, { g }: PlanContext): ConvData {
  const shapes = node.inputs.map((i) => g.nodes[i]!.shape);
  const [x, w, y] =
    node.op === "conv2d"
      ? [shapes[0]!, shapes[1]!, node.shape]
      : node.op === "conv2d_backward_input"
        ? [node.shape, shapes[1]!, shapes[0]!]
        : [shapes[0]!, node.shape, shapes[1]!];
  const [, c, h, wd] = nchw(node.op, x, "an input");
  const [f, , kh, kw] = nchw(node.op, w, "a filter");
  const [, , oh, ow] = nchw(node.op, y, "an output");
  const { stride, pad } = node.attrs;
  if (typeof f !== "number") throw new Error(`internal: ${node.op} with a symbolic filter count`);
  return { geometry: [c, h, wd, kh, kw, stride, pad, oh, ow], filters: f };
}

/** Floats of arena scratch: the kernel's operand block (4 i32s), then SLOTS slots. */
export function convScratch(k: HeavyKernel<ConvOp>): Size {
  return { c: 4 + SLOTS * slotLayout(k.op, k.data.geometry, k.data.filters).floats, p: 0 };
}

const c = (n: number): Size => ({ c: n, p: 0 });

/** The matmul row kernel for [m × k] · [k × n], A read through (aRow, aInner); the tile as the matmul plugin picks it. */
function product(target: WasmTarget, m: number, k: number, n: number, aRow: number, aInner: number): number {
  return matmulRowKernel(target, { m: c(m), k: c(k), n: c(n), aRow: c(aRow), aInner: c(aInner) });
}

export function renderWasmConv(k: HeavyKernel<ConvOp>, env: KernelEnv, target: WasmTarget): Code {
  const g = env.g;
  const node = g.nodes[k.node]!;
  const [a, b] = k.inputs.map((s, i) => env.array(s, env.hint(resolve(g, node.inputs[i]!)))) as [Name, Name];
  const out = env.array({ kind: "slot", slot: k.out }, env.hint(node.id));
  // Images: the first axis of x (the filter gradient's input 0) or of the result (y, dx).
  const images = k.op === "conv2d_backward_filter" ? g.nodes[node.inputs[0]!]!.shape : node.shape;
  const batch = env.size(shapeSizes(images, env.batch)[0]!);
  const { geometry, filters: F } = k.data;
  const [C, , , KH, KW, , , OH, OW] = geometry;
  const [CKK, P] = [C * KH * KW, OH * OW];
  const mm =
    k.op === "conv2d"
      ? product(target, F, CKK, P, CKK, 1)
      : k.op === "conv2d_backward_filter"
        ? transposedFilterGradient(geometry, F)
          ? product(target, CKK, P, F, P, 1)
          : product(target, F, P, CKK, P, 1)
        : product(target, P, F, CKK, 1, P);
  const fn = target.functions.rowKernel(JSON.stringify([k.op, geometry, F, mm]), () => convFunction(k.op, geometry, F, mm));
  const work = F * CKK * P;
  const run = (outArg: Code) =>
    js`runImages(${fn}, PACK_AT, ${a}.byteOffset, ${b}.byteOffset, ${outArg}, PACK_AT + 16, ${batch}, ${work}, ${SLOTS})`;
  switch (k.op) {
    case "conv2d":
      return js`${comment("conv2d in WebAssembly: im2col and W · col image by image, the images shared between the threads")}${run(js`${out}.byteOffset`)};`;
    case "conv2d_backward_filter": {
      const { partial, floats } = slotLayout(k.op, geometry, F);
      return js`${comment("conv2d's filter gradient in WebAssembly: dy · im2col(x) image by image, a partial sum per chunk of images, then their sum")}sumSlots(${out}, heap(), ((PACK_AT + 16) >> 2) + ${partial}, ${floats}, ${run(js`0`)}, ${transposedFilterGradient(geometry, F) ? F : 0});`;
    }
    case "conv2d_backward_input":
      return js`${comment("conv2d's input gradient in WebAssembly: col2im(dyᵀ · W) image by image, the images shared between the threads")}${run(js`${out}.byteOffset`)};`;
  }
}
