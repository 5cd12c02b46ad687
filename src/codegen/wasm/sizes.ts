// Sizes (c · batch^p) inside WebAssembly functions: computed once on entry from the `batch` argument.
import { FunctionBody, I32 } from "./encode.js";
import type { Size } from "../plan.js";

/** A new i32 local holding c · batch^p · scale, computed from the `batch` parameter on entry (matmuls and epilogues). */
export function sizeLocal(f: FunctionBody, s: Size, batch: number, scale = 1): number {
  const l = f.local(I32);
  f.i32(s.c * scale);
  for (let q = 0; q < s.p; q++) f.get(batch).mul();
  f.set(l);
  return l;
}
