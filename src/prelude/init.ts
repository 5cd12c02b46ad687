// Initial values in a compiled module: one stream per param, seeded by the hash of its name, the
// same draws as nnc's runtime (src/runtime/initializers.ts), so `init(seed)` equals `initValues`.
// The arrays come from the module's `zeros`: with an arena, new room in it, where the kernels
// read them in place (the params of `init` are the fast path, no `adopt` needed), else plain
// arrays (plain-updates.ts).
import { zeros } from "./plain-updates.js";
import { hashName, normalPair, seedStream, uniform } from "./random.js";

/** `size` floats of kind "zeros", "constant" (a), "uniform" (a to b) or "normal" (standard deviation a). */
export function initArray(name: string, size: number, seed: number, kind: string, a: number, b: number): Float32Array | Float64Array {
  const out = zeros(size);
  const s = new Uint32Array(4);
  seedStream(s, hashName(name, seed));
  if (kind === "constant") out.fill(a);
  else if (kind === "uniform") for (let i = 0; i < size; i++) out[i] = a + (b - a) * uniform(s);
  else if (kind === "normal") {
    for (let i = 0; i < size; i += 2) {
      const [v, w] = normalPair(s);
      out[i] = a * v;
      if (i + 1 < size) out[i + 1] = a * w;
    }
  }
  return out;
}
