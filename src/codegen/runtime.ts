// The few helpers every compiled module carries, so it imports nothing: the random number
// generators of nnc's runtime (src/runtime/rng.ts: xoshiro128** seeded by splitmix32, 53-bit
// uniforms, Box-Muller normals) and initializers (src/runtime/initializers.ts: one stream per
// param, seeded by FNV-1a of its name), written out again so that a compiled `init(seed)` equals
// `initValues(graph, seed)` and dropout masks equal the interpreter's, draw for draw. Plus the
// checks that turn a wrong argument into a clear Error.
import { js, type Code } from "./code.js";

export const RUNTIME: Code = js`
// ---- Random numbers: nnc's xoshiro128** seeded through splitmix32 (src/runtime/rng.ts) ----

function seedStream(s, seed) {
  let x = seed >>> 0;
  for (let k = 0; k < 4; k++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    s[k] = (z ^ (z >>> 16)) >>> 0;
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function nextU32(s) {
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

/** Uniform in [0, 1) with 53 random bits. */
function uniform(s) {
  return ((nextU32(s) >>> 5) * 67108864 + (nextU32(s) >>> 6)) / 9007199254740992;
}

// ---- Math beyond Math.*: erf for gelu (src/prelude/math.ts, written out again until the prelude generator inlines it) ----

function erf(x) {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  if (a < 1e-10) return x * 1.1283791670955126;
  const split = a * 134217729;
  const ah = split - (split - a);
  const al = a - ah;
  const hi = a * a;
  const gauss = Math.exp(-hi) * (1 - (ah * ah - hi + 2 * ah * al + al * al));
  let r;
  if (a < 2) {
    let term = a;
    let sum = a;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= (2 * a * a) / (2 * n + 1);
      sum += term;
    }
    r = 1.1283791670955126 * gauss * sum;
  } else {
    let f = a;
    let c = a;
    let d = 0;
    for (let k = 1; k < 200; k++) {
      d = a + (k / 2) * d;
      d = d === 0 ? 1e300 : 1 / d;
      c = a + k / 2 / c;
      if (c === 0) c = 1e-300;
      f *= c * d;
      if (Math.abs(c * d - 1) < 1e-17) break;
    }
    r = 1 - (0.5641895835477563 * gauss) / f;
  }
  return x < 0 ? -r : r;
}

// ---- Initializers: one stream per param, seeded by FNV-1a of its name (src/runtime/initializers.ts) ----

function hashName(name, seed) {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function initArray(name, size, seed, kind, a, b) {
  const out = new F(size);
  const s = new Uint32Array(4);
  seedStream(s, hashName(name, seed));
  if (kind === "constant") out.fill(a);
  else if (kind === "uniform") for (let i = 0; i < size; i++) out[i] = a + (b - a) * uniform(s);
  else if (kind === "normal") {
    // Box-Muller: each pair of uniforms gives two normals, cos then sin.
    let spare = 0;
    let hasSpare = false;
    for (let i = 0; i < size; i++) {
      let v;
      if (hasSpare) {
        v = spare;
        hasSpare = false;
      } else {
        let u = 0;
        while (u === 0) u = uniform(s);
        const r = Math.sqrt(-2 * Math.log(u));
        const theta = 2 * Math.PI * uniform(s);
        spare = r * Math.sin(theta);
        hasSpare = true;
        v = r * Math.cos(theta);
      }
      out[i] = a * v;
    }
  }
  return out;
}

// ---- Argument checks ----

/** The batch size, from the lengths of the fed arrays; each feed is [name, row size, has batch, shape]. */
function batchOf(data, feeds, fixed, what) {
  if (data === null || typeof data !== "object") throw new TypeError(what + ": expected an object of typed arrays by name");
  let batch = -1;
  let first = "";
  for (const [name, row, hasBatch, shape] of feeds) {
    const v = data[name];
    if (v === undefined || v === null) throw new Error(what + ": missing input '" + name + "' (a flat, row-major array of shape " + shape + ")");
    if (typeof v.length !== "number") throw new TypeError(what + ": input '" + name + "' must be a typed array, got " + typeof v);
    if (!hasBatch) {
      if (v.length !== row) throw new Error(what + ": input '" + name + "' has " + v.length + " numbers, its shape " + shape + " has " + row);
      continue;
    }
    if (v.length % row !== 0) throw new Error(what + ": input '" + name + "' has " + v.length + " numbers, not a multiple of its row size " + row + " (shape " + shape + ")");
    const rows = v.length / row;
    if (batch >= 0 && rows !== batch) throw new Error(what + ": inputs disagree on the batch size: '" + first + "' has " + batch + " rows, '" + name + "' has " + rows);
    if (batch < 0) [batch, first] = [rows, name];
  }
  if (batch === 0) throw new Error(what + ": input '" + first + "' is empty (batch size 0)");
  if (fixed > 0 && batch >= 0 && batch !== fixed) throw new Error(what + ": the module was compiled for batch size " + fixed + ", input '" + first + "' has " + batch + " rows");
  return batch < 0 ? (fixed > 0 ? fixed : 1) : batch;
}

/** A fed array as the module's float type: as is when it already is, else a copy. */
function feed(data, name) {
  const v = data[name];
  return v instanceof F ? v : F.from(v);
}

/** A float32 array copied into a float64 one (so that matmul tiles read without converting). */
function stage(to, from) {
  to.set(from);
  return to;
}

/** Every param (and state) present, of the module's float type and the right length. */
function checkParams(params, table, what) {
  if (params === null || typeof params !== "object") throw new TypeError(what + ": expected the params record (see init())");
  for (const [name, size] of table) {
    const v = params[name];
    if (!(v instanceof F) || v.length !== size) {
      const got = v === undefined ? "nothing" : v instanceof Object ? v.constructor.name + " of " + v.length + " numbers" : typeof v;
      throw new TypeError(what + ": params['" + name + "'] must be a " + F.name + " of " + size + " numbers, got " + got + " (init() makes a fresh set)");
    }
  }
}
`;
