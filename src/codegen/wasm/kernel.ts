// The JS side of a matmul kernel run in WebAssembly: every operand already lives in the arena
// (wasm/runtime.ts), so the kernel is called with their byte offsets; only a B that is not
// stored as [k × n] rows (Wᵀ) is packed first. Then the fused epilogue runs in JS over all rows.
// Kernels with the same extents, strides and tile share one wasm function. The KernelPlan is the
// JS renderer's, unchanged.
import { comment, join, js, type Code } from "../code.js";
import { mul } from "../size.js";
import type { MatmulKernel, Size, Storage } from "../plan.js";
import { resolve } from "../schedule.js";
import type { KernelEnv } from "../render.js";
import { matmulArrays } from "../matmul.js";
import { encodeModuleImportingMemory, type WasmFunction } from "./encode.js";
import { MAX_PAGES } from "./runtime.js";
import { matmulFunction, type MatmulSpec } from "./matmul.js";
import { adamFunction, sgdFunction } from "./optimizers.js";
import { epilogueFunction, MAX_ARRAYS, type WasmEpilogue } from "./epilogue.js";

/** The wasm functions a module needs, collected while its kernels are rendered. */
export class WasmFunctions {
  private readonly functions: WasmFunction[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly specs: MatmulSpec[] = [];

  /** The index of the export that computes `spec` (named matmul<index>), made on first use. */
  indexFor(spec: MatmulSpec): number {
    const key = JSON.stringify(spec);
    let index = this.byKey.get(key);
    if (index === undefined) {
      index = this.functions.length;
      this.functions.push({ name: `matmul${index}`, body: matmulFunction(spec) });
      this.specs.push(spec);
      this.byKey.set(key, index);
    }
    return index;
  }
  get size(): number {
    return this.functions.length;
  }

  private readonly epilogues: WasmFunction[] = [];
  private readonly epilogueKeys = new Map<string, number>();

  /** The index of the export that runs this epilogue (named epilogue<index>); identical ones share one. */
  epilogueIndexFor(ep: WasmEpilogue): number {
    const key = ep.body.encode().join(",");
    let index = this.epilogueKeys.get(key);
    if (index === undefined) {
      index = this.epilogues.length;
      this.epilogues.push({ name: `epilogue${index}`, body: ep.body });
      this.epilogueKeys.set(key, index);
    }
    return index;
  }
  get epilogueCount(): number {
    return this.epilogues.length;
  }
  /**
   * The module, importing its memory (shared or not: see encodeModuleImportingMemory), with the
   * optimizers' updates after the matmuls; and the same with fused multiply-adds (relaxed SIMD),
   * for platforms that have it.
   */
  encode(): { bytes: Uint8Array; flagsAt: number; fma: Uint8Array } {
    const updates = [
      { name: "sgd", body: sgdFunction() },
      { name: "adam", body: adamFunction() },
    ];
    const fused = this.specs.map((spec, i) => ({ name: `matmul${i}`, body: matmulFunction({ ...spec, fma: true }) }));
    const fma = encodeModuleImportingMemory([...fused, ...this.epilogues, ...updates], 1, MAX_PAGES);
    return { ...encodeModuleImportingMemory([...this.functions, ...this.epilogues, ...updates], 1, MAX_PAGES), fma: fma.bytes };
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

/** True when op(B) is not stored as [k × n] rows (Wᵀ), so the kernel reads a packed copy. */
export function needsPack(k: MatmulKernel): boolean {
  return !(k.b.col.c === 1 && k.b.col.p === 0 && k.b.inner.c === k.n.c && k.b.inner.p === k.n.p);
}

/**
 * The matmul through \`matmulRows\` (threads.ts). Its epilogue runs in WebAssembly on the same rows
 * when epilogue.ts can write it (\`inArena\` tells which arrays live in the arena), else in JS
 * over all rows afterwards.
 */
export function renderWasmMatmul(
  k: MatmulKernel,
  env: KernelEnv,
  wasm: WasmFunctions,
  epilogue?: () => Code,
  inArena?: (s: Storage) => boolean,
): Code {
  const { A, B, C } = matmulArrays(k, env);
  const node = env.g.nodes[k.node]!;
  const fused = k.epilogue && inArena ? epilogueFunction(k.epilogue, env.g, inArena) : undefined;
  const epi = fused ? wasm.epilogueIndexFor(fused) : -1;
  const arrays = (fused?.arrays ?? []).map(({ storage, node: id }) => js`${env.array(storage, env.hint(resolve(env.g, id)))}.byteOffset`);
  while (arrays.length < MAX_ARRAYS) arrays.push(js`0`);
  const ep = fused ? undefined : epilogue?.();
  const fn = wasm.indexFor({ m: k.m, k: k.k, n: k.n, aRow: k.a.row, aInner: k.a.inner, ...tileFor(k.n) });
  const size = (s: Size) => env.size(s);
  const usesBatch = fused !== undefined || [k.m, k.k, k.n, k.a.row, k.a.inner].some((s) => s.p > 0);
  const { transA, transB } = node.attrs as { transA: boolean; transB: boolean };
  const pack = needsPack(k);
  const what = `${A.text}${transA ? "ᵀ" : ""} · ${B.text}${transB ? "ᵀ" : ""} in WebAssembly (f32x4 register tiles), operands read where they are in the arena${pack ? `, ${B.text}${transB ? "ᵀ" : ""} packed as rows first` : ""}`;
  const then = fused
    ? "; then the fused elementwise ops over each block of rows, in WebAssembly too"
    : ep
      ? "; then the fused elementwise ops over C"
      : "";
  return js`${comment(`${what}${then}`)}${
    pack
      ? js`packB(PACK_AT, ${B}, ${size(k.k)}, ${size(k.n)}, ${size(k.b.inner)}, ${size(k.b.col)});
`
      : js``
  }matmulRows(${fn}, ${A}.byteOffset, ${pack ? js`PACK_AT` : js`${B}.byteOffset`}, ${C}.byteOffset, ${usesBatch ? size({ c: 1, p: 1 }) : js`0`}, ${size(k.m)}, ${size(mul(k.k, k.n))}, ${epi}, ${join(arrays)});
    ${ep ?? js``}`;
}
