// The Executable a run trains with: the model compiled to specialized kernels, its matmuls in
// WebAssembly SIMD (`wasm`, the default for f32: 4x faster per step than `js` in bench/, within
// the f32 tolerance of the reference in test/codegen/wasm-models.test.ts) or in JS (`js`, and
// always for f64: the wasm kernels are float32); or the reference interpreter (float64, slow,
// for checking).
import { compileToString, load } from "../codegen/index.js";
import type { Graph } from "../graph/ir.js";
import { interpreted, type Executable } from "./executable.js";

export type Backend = "js" | "wasm" | "interpreter";

/** The backend a compile uses: wasm for f32 unless asked for js; js for f64 (with a note when wasm was asked for). */
export function compiledBackend(dtype: "f32" | "f64", asked?: "js" | "wasm"): { backend: "js" | "wasm"; note?: string } {
  if (dtype === "f64")
    return { backend: "js", ...(asked === "wasm" && { note: "the wasm backend computes in float32: f64 uses the js backend" }) };
  return { backend: asked ?? "wasm" };
}

export async function executableFor(
  g: Graph,
  options: { dtype: "f32" | "f64"; backend?: Backend },
): Promise<{ exe: Executable; backend: Backend; note?: string }> {
  if (options.backend === "interpreter") return { exe: interpreted(g), backend: "interpreter" };
  const { backend, note } = compiledBackend(options.dtype, options.backend);
  const module = await load(compileToString(g, { dtype: options.dtype, backend }));
  return { exe: module, backend, ...(note !== undefined && { note }) };
}
