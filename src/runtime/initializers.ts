// Initial values of params and state, from the initializers declared in the model, seeded.
// Each param draws from its own stream (seeded by the run's seed and the param's name), so adding
// a param to a model does not change the initial values of the others.
import { initStd } from "../graph/init.js";
import type { Graph, Init } from "../graph/ir.js";
import { createRng, type Rng } from "./rng.js";

export type Float = Float32Array | Float64Array;
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

export function fill(init: Init, size: number, rng: Rng, ctor: FloatCtor = Float64Array): Float {
  const out = new ctor(size);
  switch (init.kind) {
    case "zeros":
      return out;
    case "ones":
      return out.fill(1);
    case "constant":
      return out.fill(init.value);
    case "uniform":
      for (let i = 0; i < size; i++) out[i] = init.low + (init.high - init.low) * rng.next();
      return out;
    case "normal":
    case "xavier":
    case "he": {
      const std = initStd(init)!;
      for (let i = 0; i < size; i++) out[i] = std * rng.normal();
      return out;
    }
  }
}

/** A 32-bit hash of a string (FNV-1a), to derive a per-param stream from the run's seed. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Params and state of a graph, by name, from their initializers. */
export function initValues(g: Graph, seed = 0, ctor: FloatCtor = Float64Array): Record<string, Float> {
  const out: Record<string, Float> = {};
  for (const p of [...g.params, ...g.states]) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    out[p.name] = fill(p.init, size, createRng(hash(p.name, seed)), ctor);
  }
  return out;
}
