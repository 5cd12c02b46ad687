// A seeded random number generator: xoshiro128** (period 2^128 - 1), seeded through splitmix32.
// Math.random cannot be seeded, and training must be reproducible from --seed: dropout masks,
// shuffles and initial weights all draw from here.

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

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed = 0): Rng {
  const sm = splitmix32(seed);
  return rngFromState([sm(), sm(), sm(), sm()]);
}

export function rngFromState(init: readonly number[]): Rng {
  const s = Uint32Array.from(init.slice(0, 4));
  if (s.every((v) => v === 0)) s[0] = 1; // the all-zero state is a fixed point
  let spare: number | undefined;
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  // 53 random bits, as Math.random gives.
  const next = () => ((nextU32() >>> 5) * 67108864 + (nextU32() >>> 6)) / 9007199254740992;
  return {
    next,
    normal() {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    int(n) {
      return Math.floor(next() * n);
    },
    state() {
      return [...s];
    },
  };
}
