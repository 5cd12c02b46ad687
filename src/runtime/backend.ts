// The Executable a run trains with: the model compiled to specialized JS kernels (the default),
// or the reference interpreter (float64, slow, for checking).
import { compileToString, load } from "../codegen/index.js";
import type { Graph } from "../graph/ir.js";
import { interpreted, type Executable } from "./executable.js";

export type Backend = "js" | "interpreter";

export async function executableFor(g: Graph, options: { dtype: "f32" | "f64"; backend?: Backend }): Promise<{ exe: Executable; backend: Backend }> {
  if (options.backend === "interpreter") return { exe: interpreted(g), backend: "interpreter" };
  const module = await load(compileToString(g, { dtype: options.dtype }));
  return { exe: module as Executable, backend: "js" };
}
