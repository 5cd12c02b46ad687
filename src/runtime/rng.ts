// A seeded random number generator: xoshiro128** (period 2^128 - 1), seeded through splitmix32,
// the generator of src/prelude/random.ts, which compiled modules carry too (so their draws equal
// these). Math.random cannot be seeded, and training must be reproducible from --seed: dropout
// masks, shuffles and initial weights all draw from here.
import { normalPair, seedStream, uniform } from "../prelude/random.js";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal, by the Box-Muller transform. */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** The generator's state, to save in a checkpoint and restore with `rngFromState`. */
  state(): number[];
}

export function createRng(seed = 0): Rng {
  const s = new Uint32Array(4);
  seedStream(s, seed);
  return fromWords(s);
}

export function rngFromState(init: readonly number[]): Rng {
  const s = Uint32Array.from(init.slice(0, 4));
  if (s.every((v) => v === 0)) s[0] = 1; // the all-zero state is a fixed point
  return fromWords(s);
}

function fromWords(s: Uint32Array): Rng {
  let spare: number | undefined;
  const next = () => uniform(s);
  return {
    next,
    normal() {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      const [v, w] = normalPair(s);
      spare = w;
      return v;
    },
    int(n) {
      return Math.floor(next() * n);
    },
    state() {
      return [...s];
    },
  };
}
