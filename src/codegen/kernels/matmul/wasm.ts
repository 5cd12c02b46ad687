// The JS side of a matmul run in WebAssembly: every operand already lives in the arena, so the
// row kernel (wasm-function.ts) is called with their byte offsets through the thread protocol's
// `runRows`; only a B that is not stored as [k × n] rows (Wᵀ) is packed first, into the
// program's scratch area. The fused epilogue runs in WebAssembly on the same rows when
// wasm/epilogue.ts can write it, else in JS over all rows afterwards. Matmuls with the same
// extents, strides and tile share one wasm function.
import { comment, join, js, type Code } from "../../code.js";
import type { KernelEnv } from "../../env.js";
import type { Size } from "../../plan.js";
import { mul } from "../../size.js";
import { loopFunction } from "../../wasm/loop.js";
import { loopArrays, loopCall } from "../../wasm/loop-call.js";
import type { HeavyKernel, WasmTarget } from "../types.js";
import { matmulArrays } from "./js.js";
import { sparseRowKernel, sparseScratch } from "./sparse.js";
import { matmulFunction, type MatmulSpec } from "./wasm-function.js";

type MatmulKernel = HeavyKernel<"matmul">;

/**
 * The register tile. With a multiply and an add: 2 rows × 4 vectors (16 columns) when n is wide,
 * more rows when narrow; measured on [100 × 784]·[784 × 50] and its xᵀ·dY: 2×4 37 GFLOP/s, 3×3 35,
 * 3×4 34-37, 4×2 33, 1×4 31 (8 sums + 4 of B + 1 splat fit the 16 vector registers; 12 sums
 * spill). With fused multiply-adds (no product to hold): 4 rows × 2 vectors, the best of 2×4, 4×2,
 * 3×3, 5×2, 6×2, 4×3 and 3×4 on TwoLayerNet's and the 5-layer net's products (interleaved, best
 * of 60 on a busy machine: 4-11% over 2×4 on TwoLayerNet's, up to 1.5× on [128 × 784]·[784 × 100];
 * 12 sums spill here too).
 */
function tileFor(n: Size, fma: boolean): { rows: number; vectors: number } {
  const widest = fma ? 2 : 4;
  const vectors = n.p === 0 ? Math.max(1, Math.min(widest, Math.ceil(n.c / 4))) : widest;
  if (fma) return { rows: 4, vectors };
  return { rows: vectors >= 4 ? 2 : vectors === 3 ? 3 : 4, vectors };
}

/**
 * The index of the row kernel for [m × k]·[k × n] with A read through (aRow, aInner), made on first
 * use; each build (plain, FMA) with its own tile. Other kernels' products (conv's im2col) use it too.
 */
export function matmulRowKernel(target: WasmTarget, spec: Omit<MatmulSpec, "rows" | "vectors" | "fma">): number {
  return target.functions.rowKernel(JSON.stringify(["matmul", spec]), (fma) => matmulFunction({ ...spec, ...tileFor(spec.n, fma), fma }));
}

/** True when op(B) is not stored as [k × n] rows (Wᵀ), so the kernel reads a packed copy. */
function needsPack({ data: k }: MatmulKernel): boolean {
  return !(k.b.col.c === 1 && k.b.col.p === 0 && k.b.inner.c === k.n.c && k.b.inner.p === k.n.p);
}

/** The floats of scratch a packed B takes ([k × n]), then the sparse kernel's slots. */
export function matmulScratch(mk: MatmulKernel): Size | undefined {
  const { k, n, sparse } = mk.data;
  const pack = needsPack(mk) ? mul(k, n) : undefined;
  if (!sparse) return pack;
  const slots = sparseScratch({ k, aInner: mk.data.a.inner });
  // Both are k times a constant (the plan keeps the sparse kernel to constant n).
  return pack ? { c: pack.c + slots.c, p: k.p } : slots;
}

export function renderWasmMatmul(mk: MatmulKernel, env: KernelEnv, target: WasmTarget): Code {
  const { A, B, C } = matmulArrays(mk, env);
  const k = mk.data;
  // The epilogue per block of rows when its reductions stay within rows, else over all rows after the product.
  const loop = mk.epilogue ? loopFunction(mk.epilogue, env.g, target.inArena) : undefined;
  const fused = loop?.splittable ? loop : undefined;
  const after = loop && !loop.splittable ? loopCall(mk.epilogue!, loop, target.functions.epilogue(loop), env) : undefined;
  const epi = fused ? target.functions.epilogue(fused) : -1;
  const arrays = loopArrays(fused, env);
  const ep = loop ? after : target.jsEpilogue?.();
  const spec = { m: k.m, k: k.k, n: k.n, aRow: k.a.row, aInner: k.a.inner };
  const dense = matmulRowKernel(target, spec);
  const fn = k.sparse ? sparseRowKernel(target, spec, dense) : dense;
  const size = (s: Size) => env.size(s);
  const usesBatch = fused !== undefined || [k.m, k.k, k.n, k.a.row, k.a.inner].some((s) => s.p > 0);
  const { transA, transB } = k.trans;
  const pack = needsPack(mk);
  const bT = `${B.text}${transB ? "ᵀ" : ""}`;
  const skips = k.sparse ? ", skipping op(A)'s zeros where they are many" : "";
  const what = `${A.text}${transA ? "ᵀ" : ""} · ${bT} in WebAssembly (f32x4 register tiles${skips}), operands read where they are in the arena${pack ? `, ${bT} packed as rows first` : ""}`;
  const then = fused
    ? "; then the fused elementwise ops over each block of rows, in WebAssembly too"
    : after
      ? "; then the fused elementwise ops and their sums across rows over C, in WebAssembly too"
      : ep
        ? "; then the fused elementwise ops over C"
        : "";
  const packing = pack ? js`packB(PACK_AT, ${B}, ${size(k.k)}, ${size(k.n)}, ${size(k.b.inner)}, ${size(k.b.col)});\n` : js``;
  const b = pack ? js`PACK_AT` : js`${B}.byteOffset`;
  const batch = usesBatch ? size({ c: 1, p: 1 }) : js`0`;
  // The sparse kernel's slots follow the packed B.
  const slots = k.sparse ? (pack ? [js`PACK_AT + ${size(mul(k.k, k.n))} * 4`] : [js`PACK_AT`]) : [];
  return js`${comment(`${what}${then}`)}${packing}runRows(${fn}, ${A}.byteOffset, ${b}, ${C}.byteOffset, ${batch}, ${size(k.m)}, ${size(mul(k.k, k.n))}, ${epi}, ${join([...arrays, ...slots])});
    ${ep ?? js``}`;
}
