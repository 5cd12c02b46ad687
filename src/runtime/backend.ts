// The Executable a run trains with. Compiled JS kernels when the code generator is available,
// the reference interpreter otherwise.
import type { Graph } from "../graph/ir.js";
import { interpreted, type Executable } from "./executable.js";

export type Backend = "js" | "interpreter";

export async function executableFor(g: Graph, options: { dtype: "f32" | "f64"; backend?: Backend }): Promise<{ exe: Executable; backend: Backend }> {
  void options.dtype;
  return { exe: interpreted(g), backend: "interpreter" };
}
