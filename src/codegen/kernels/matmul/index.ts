// The matmul kernel: C = op(A) · op(B) for 2-D operands, transposes read in place through
// strides. Its plan is the extents, the operands' strides and the JS register tile; js.ts renders
// register-tiled JavaScript, wasm.ts calls f32x4 WebAssembly functions (wasm-function.ts) over
// rows of C, shared between threads. Elementwise work on C (bias, activation, their derivatives)
// runs fused over each block of rows.
import type { KernelPlugin } from "../types.js";
import type { Size } from "../../plan.js";
import { shapeSizes } from "../../size.js";
import { renderMatmul } from "./js.js";
import { mayHoldZeros } from "./sparse.js";
import { matmulScratch, renderWasmMatmul } from "./wasm.js";

export interface MatmulData {
  readonly m: Size;
  readonly k: Size;
  readonly n: Size;
  /** Element (i, p) of op(A) is at i·a.row + p·a.inner. */
  readonly a: { readonly row: Size; readonly inner: Size };
  /** Element (p, j) of op(B) is at p·b.inner + j·b.col. */
  readonly b: { readonly inner: Size; readonly col: Size };
  /** Whether A and B are read transposed (for comments: the strides say it already). */
  readonly trans: { readonly transA: boolean; readonly transB: boolean };
  /** Whether op(A) may hold many zeros (sparse.ts's rule): the wasm kernel then skips them where they are. */
  readonly sparse: boolean;
  /** The JS renderer's register tile: rows × columns. */
  readonly tile: { readonly rows: number; readonly cols: number };
}

declare module "../types.js" {
  interface KernelData {
    matmul: MatmulData;
  }
}

const ONE: Size = { c: 1, p: 0 };

export const matmul: KernelPlugin<"matmul"> = {
  fusesEpilogue: true,
  arenaOperands: true,
  // The register tiles read each operand many times: float32 inputs are staged as float64 once.
  stagedInputs: [0, 1],
  plan: (node, { g, batch, zeroSkipping }) => {
    const [A, B] = node.inputs.map((i) => shapeSizes(g.nodes[i]!.shape, batch)) as [Size[], Size[]];
    const { transA, transB } = node.attrs;
    const [a0, a1] = [A[0]!, A[1]!];
    const b1 = B[1]!;
    const [m, n] = shapeSizes(node.shape, batch) as [Size, Size];
    return {
      m,
      k: transA ? a0 : a1,
      n,
      a: { row: transA ? ONE : a1, inner: transA ? a1 : ONE },
      b: { inner: transB ? ONE : b1, col: transB ? b1 : ONE },
      trans: { transA, transB },
      sparse: zeroSkipping && n.p === 0 && mayHoldZeros(g, node.inputs[0]!),
      tile: tileFor(m, n),
    };
  },
  arenaScratch: matmulScratch,
  js: renderMatmul,
  wasm: renderWasmMatmul,
};

/**
 * The JS register tile, from measurements of V8 on x64 (bench/quick-step.ts): 3 × 4 sums, 3 values
 * of A and one of B fill the 16 float registers; larger tiles spill, smaller ones load more per
 * multiply-add. Narrow matrices get narrower tiles.
 */
function tileFor(m: Size, n: Size): { rows: number; cols: number } {
  const upTo = (s: Size, t: number) => (s.p > 0 ? t : Math.max(1, Math.min(t, s.c)));
  return { rows: upTo(m, 3), cols: upTo(n, 4) };
}
