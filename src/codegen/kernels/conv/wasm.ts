// The convolution kernels with the wasm backend: the book's im2col route, one image at a time, so
// every product is the tuned matmul row kernel (../matmul/wasm-function.ts, f32x4 register tiles,
// relaxed-SIMD FMA where it validates) on operands read in place in the arena:
//   conv2d                  y_n  = W [F × CKK] · im2colT(x_n) [CKK × P]          (NCHW out, no transpose)
//   conv2d_backward_filter  dW  += dy_n [F × P] · im2colR(x_n) [P × CKK]
//   conv2d_backward_input   dx_n = col2im(dy_nᵀ [P × F] · W [F × CKK])
// with CKK = C·KH·KW and P = OH·OW. The unrolled image (and the filter gradient's partial sum)
// live in the program's arena scratch (PACK_AT); the moves are src/prelude/im2col.ts. Per image,
// the unrolled matrix stays in cache for its product; runRows shares a product's rows between
// threads when it is large enough.
import type { Node } from "../../../graph/ir.js";
import { nchw } from "../../../graph/ops/window.js";
import { comment, join, js, type Code, type Name } from "../../code.js";
import type { KernelEnv } from "../../env.js";
import type { Size } from "../../plan.js";
import { resolve } from "../../schedule.js";
import { shapeSizes } from "../../size.js";
import { matmulRowKernel } from "../matmul/wasm.js";
import type { HeavyKernel, PlanContext, WasmTarget } from "../types.js";

/** The geometry of one image: [C, H, W, KH, KW, stride, pad, OH, OW], and the filter count F. */
export interface ConvData {
  readonly geometry: readonly [number, number, number, number, number, number, number, number, number];
  readonly filters: number;
}

type ConvOp = "conv2d" | "conv2d_backward_input" | "conv2d_backward_filter";

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

const taps = ({ geometry: [c, , , kh, kw] }: ConvData) => c * kh * kw;
const positions = ({ geometry: [, , , , , , , oh, ow] }: ConvData) => oh * ow;

/** Floats of arena scratch: the unrolled image, and for dW the image's partial gradient. */
export function convScratch(k: HeavyKernel<ConvOp>): Size {
  const unrolled = taps(k.data) * positions(k.data);
  return { c: k.op === "conv2d_backward_filter" ? unrolled + k.data.filters * taps(k.data) : unrolled, p: 0 };
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
  const [n, mem, at] = [env.local("n"), env.local("mem"), env.local("at")];
  const geometry = js`[${join(k.data.geometry.map((v) => js`${v}`))}]`;
  const [F, CKK, P] = [k.data.filters, taps(k.data), positions(k.data)];
  const none = js`-1, 0, 0, 0, 0, 0, 0`;
  const loop = (body: Code) => js`const ${mem} = heap();
    const ${at} = PACK_AT >> 2;
    for (let ${n} = 0; ${n} < ${batch}; ${n}++) { ${body} }`;
  switch (k.op) {
    case "conv2d": {
      const fn = product(target, F, CKK, P, CKK, 1);
      return js`${comment(`conv2d per image: W · im2col(x) in WebAssembly (the matmul row kernel)`)}${loop(js`
        im2colT(${mem}, ${at}, ${a}, ${n}, ${geometry});
        runRows(${fn}, ${b}.byteOffset, PACK_AT, ${out}.byteOffset + ${n} * ${F * P * 4}, 0, ${F}, ${CKK * P}, ${none});`)}`;
    }
    case "conv2d_backward_filter": {
      const fn = product(target, F, P, CKK, P, 1);
      return js`${comment(`conv2d's filter gradient per image: dy · im2col(x), summed over the batch`)}${loop(js`
        im2colR(${mem}, ${at}, ${a}, ${n}, ${geometry});
        runRows(${fn}, ${b}.byteOffset + ${n} * ${F * P * 4}, PACK_AT, PACK_AT + ${CKK * P * 4}, 0, ${F}, ${P * CKK}, ${none});
        accumulate(${out}, ${mem}, ${at} + ${CKK * P}, ${F * CKK}, ${n} === 0);`)}`;
    }
    case "conv2d_backward_input": {
      const fn = product(target, P, F, CKK, 1, P);
      return js`${comment(`conv2d's input gradient per image: col2im(dyᵀ · W)`)}${out}.fill(0);
        ${loop(js`
        runRows(${fn}, ${a}.byteOffset + ${n} * ${F * P * 4}, ${b}.byteOffset, PACK_AT, 0, ${P}, ${F * CKK}, ${none});
        col2imR(${mem}, ${at}, ${out}, ${n}, ${geometry});`)}`;
    }
  }
}
