// The JS side of a matmul kernel run in WebAssembly: copy op(A)'s storage into the arena as is,
// op(B) as [k × n] rows (a copy, or a transpose for Wᵀ), call the kernel, copy C out into its slot, then run the fused
// epilogue in JS over all rows. Kernels with the same extents, strides and tile share one wasm
// function. The KernelPlan is the JS renderer's, unchanged.
import { comment, js, type Code, Name } from "../code.js";
import type { MatmulKernel, Size } from "../plan.js";
import type { KernelEnv } from "../render.js";
import { matmulArrays } from "../matmul.js";
import { product, shapeSizes } from "../size.js";
import { encodeModule, type WasmFunction } from "./encode.js";
import { matmulFunction, type MatmulSpec } from "./matmul.js";

/** The wasm functions a module needs, collected while its kernels are rendered. */
export class WasmFunctions {
  private readonly functions: WasmFunction[] = [];
  private readonly byKey = new Map<string, Name>();

  /** The export that computes `spec`, made on first use. */
  exportFor(spec: MatmulSpec): Name {
    const key = JSON.stringify(spec);
    let name = this.byKey.get(key);
    if (!name) {
      name = Name.of(`matmul${this.functions.length}`);
      this.functions.push({ name: name.text, body: matmulFunction(spec) });
      this.byKey.set(key, name);
    }
    return name;
  }
  get size(): number {
    return this.functions.length;
  }
  encode(): Uint8Array {
    return encodeModule(this.functions);
  }
}

/**
 * The register tile: 2 rows × 4 vectors (16 columns) when n is wide, more rows when narrow. Measured
 * on [100 × 784]·[784 × 50] and its xᵀ·dY: 2×4 37 GFLOP/s, 3×3 35, 3×4 34-37, 4×2 33, 1×4 31
 * (8 sums + 4 of B + 1 splat fit the 16 vector registers; 12 sums spill).
 */
function tileFor(n: Size): { rows: number; vectors: number } {
  const vectors = n.p === 0 ? Math.max(1, Math.min(4, Math.ceil(n.c / 4))) : 4;
  return { rows: vectors >= 4 ? 2 : vectors === 3 ? 3 : 4, vectors };
}

export function renderWasmMatmul(k: MatmulKernel, env: KernelEnv, wasm: WasmFunctions, epilogue?: () => Code): Code {
  const { A, B, C } = matmulArrays(k, env);
  const node = env.g.nodes[k.node]!;
  const ep = epilogue?.();
  const fn = wasm.exportFor({ m: k.m, k: k.k, n: k.n, aRow: k.a.row, aInner: k.a.inner, ...tileFor(k.n) });
  const [mem, offB, offC] = ["mem", "offB", "offC"].map((h) => env.local(h)) as [Name, Name, Name];
  const size = (s: Size) => env.size(s);
  const aSize = product(shapeSizes(env.g.nodes[node.inputs[0]!]!.shape, env.batch));
  const usesBatch = [k.m, k.k, k.n, k.a.row, k.a.inner].some((s) => s.p > 0);
  const { transA, transB } = node.attrs as { transA: boolean; transB: boolean };
  const what = `${A.text}${transA ? "ᵀ" : ""} · ${B.text}${transB ? "ᵀ" : ""} in WebAssembly (f32x4 register tiles)`;
  return js`${comment(`${what}${ep ? "; then the fused elementwise ops over C" : ""}`)}const ${offB} = (${size(aSize)} + 3) & ~3;
    const ${offC} = ${offB} + ((${size(k.k)} * ${size(k.n)} + 3) & ~3);
    const ${mem} = wasmArena(${offC} + ${size(k.m)} * ${size(k.n)});
    copyIn(${mem}, 0, ${A}, ${size(aSize)});
    packB(${mem}, ${offB}, ${B}, ${size(k.k)}, ${size(k.n)}, ${size(k.b.inner)}, ${size(k.b.col)});
    WASM.${fn}(0, ${offB} * 4, ${offC} * 4, ${usesBatch ? js`batch` : js`0`}, 0, ${size(k.m)});
    unpackC(${C}, ${mem}, ${offC}, ${size(k.m)} * ${size(k.n)});
    ${ep ?? js``}`;
}
