// Initial values of params and state, from the initializers declared in the model, seeded.
// Each param draws from its own stream (seeded by the run's seed and the param's name: hashName of
// src/prelude/random.ts), so adding a param to a model does not change the initial values of the
// others; compiled modules' init (src/prelude/init.ts) draws the same.
import { initStd } from "../graph/init.js";
import type { Graph, Init } from "../graph/ir.js";
import { hashName } from "../prelude/random.js";
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

/** Params and state of a graph, by name, from their initializers. */
export function initValues(g: Graph, seed = 0, ctor: FloatCtor = Float64Array): Record<string, Float> {
  const out: Record<string, Float> = {};
  for (const p of [...g.params, ...g.states]) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    out[p.name] = fill(p.init, size, createRng(hashName(p.name, seed)), ctor);
  }
  return out;
}
