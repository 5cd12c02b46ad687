// Random numbers, the same in nnc and in every compiled module (this file is both: nnc imports it,
// and scripts/gen-prelude.mjs inlines it into each module): xoshiro128** (period 2^128 - 1) seeded
// through splitmix32, 53-bit uniforms, Box-Muller normals, FNV-1a name hashes, and the one formula
// that derives a stream's seed from a run's seed. A compiled `init(seed)` and its dropout masks
// equal nnc's runtime and interpreter draw for draw because both run this code.

/** Four words of splitmix32 from `seed` into the xoshiro128** state `s`. */
export function seedStream(s: Uint32Array, seed: number): void {
  let x = seed >>> 0;
  for (let k = 0; k < 4; k++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    s[k] = (z ^ (z >>> 16)) >>> 0;
  }
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1; // the all-zero state is a fixed point
}

export function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The next 32 random bits of state `s` (xoshiro128**). */
export function nextU32(s: Uint32Array): number {
  const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1]! << 9) >>> 0;
  s[2]! ^= s[0]!;
  s[3]! ^= s[1]!;
  s[1]! ^= s[2]!;
  s[0]! ^= s[3]!;
  s[2]! ^= t;
  s[3] = rotl(s[3]!, 11);
  return result;
}

/** Uniform in [0, 1) with 53 random bits, as Math.random gives. */
export function uniform(s: Uint32Array): number {
  return ((nextU32(s) >>> 5) * 67108864 + (nextU32(s) >>> 6)) / 9007199254740992;
}

/** Two standard normals from state `s` (Box-Muller: cos, then sin); callers use the second as the next draw. */
export function normalPair(s: Uint32Array): [number, number] {
  let u = 0;
  while (u === 0) u = uniform(s);
  const r = Math.sqrt(-2 * Math.log(u));
  const theta = 2 * Math.PI * uniform(s);
  return [r * Math.cos(theta), r * Math.sin(theta)];
}

/** A 32-bit hash of a name (FNV-1a) mixed with a seed: a param's own stream, so adding a param changes no other's values. */
export function hashName(name: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The seed of stream `seq` of a run seeded `seed` (dropout masks; training steps): the one place this formula lives. */
export function mixSeed(seed: number, seq: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(seq + 1, 0x85ebca6b)) >>> 0;
}
