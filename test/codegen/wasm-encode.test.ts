// The WebAssembly encoder and the matmul kernels it assembles: LEB128 against known bytes,
// modules checked by WebAssembly.validate and run, and every matmul layout and tile against a
// float64 triple loop (float32 sums: within 1e-5 of the scale).
import { describe, expect, it } from "vitest";
import { encodeModule, F32, FunctionBody, I32, sleb, uleb } from "../../src/codegen/wasm/encode.js";
import { matmulFunction, type MatmulSpec } from "../../src/codegen/kernels/matmul/wasm-function.js";
import { instantiateSync, WebAssemblyApi, type WasmMemory } from "../../src/codegen/wasm/api.js";

const c = (n: number) => ({ c: n, p: 0 });
const batch = (n = 1) => ({ c: n, p: 1 });

function instantiate(bytes: Uint8Array): Record<string, unknown> {
  expect(WebAssemblyApi.validate(bytes)).toBe(true);
  return instantiateSync(bytes);
}

describe("encode", () => {
  it("LEB128", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([127]);
    expect(uleb(128)).toEqual([0x80, 1]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([63]);
    expect(sleb(64)).toEqual([0xc0, 0]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow(RangeError);
  });

  it("a module with arithmetic, a loop and float memory runs", () => {
    // sum(n): 1 + 2 + ... + n, with a loop; store(x): memory[0] = x·2 as f32.
    const sum = new FunctionBody([I32], [I32]);
    const acc = sum.local(I32);
    sum.block().get(0).eqz().brIf(0).loop();
    sum.get(acc).get(0).add().set(acc);
    sum.get(0).i32(1).sub().tee(0).brIf(0);
    sum.end().end().get(acc);
    const store = new FunctionBody([F32]);
    store.i32(0).get(0).f32(2).f32Mul().f32Store(4);
    const exports = instantiate(
      encodeModule([
        { name: "sum", body: sum },
        { name: "store", body: store },
      ]),
    );
    expect((exports.sum as (n: number) => number)(100)).toBe(5050);
    expect((exports.sum as (n: number) => number)(0)).toBe(0);
    (exports.store as (x: number) => void)(1.5);
    expect(new Float32Array((exports.memory as WasmMemory).buffer)[1]).toBe(3);
  });

  it("a module importing a shared memory (for threads) runs on it", () => {
    const store = new FunctionBody([F32]);
    store.i32(0).get(0).f32Store(8);
    const bytes = encodeModule([{ name: "store", body: store }], 1, { maxPages: 16 });
    expect(WebAssemblyApi.validate(bytes)).toBe(true);
    const memory = new WebAssemblyApi.Memory({ initial: 1, maximum: 16, shared: true });
    const exports = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(bytes), { env: { memory } }).exports;
    (exports.store as (x: number) => void)(2.5);
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(new Float32Array(memory.buffer)[2]).toBe(2.5);
  });
});

/** C = op(A)·B by the wasm kernel, and by a float64 loop: the largest difference. */
function check(spec: MatmulSpec, b: number, aStorage: number, seed: number): number {
  const at = (s: { c: number; p: number }) => s.c * b ** s.p;
  const [M, K, N, aRow, aInner] = [at(spec.m), at(spec.k), at(spec.n), at(spec.aRow), at(spec.aInner)];
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const A = Float32Array.from({ length: aStorage }, rand);
  const Bm = Float32Array.from({ length: K * N }, rand);
  const exports = instantiate(encodeModule([{ name: "mm", body: matmulFunction(spec) }], 4));
  const mem = new Float32Array((exports.memory as WasmMemory).buffer);
  const offB = Math.ceil(aStorage / 4) * 4;
  const offC = offB + K * N;
  mem.set(A, 0);
  mem.set(Bm, offB);
  mem.fill(NaN, offC, offC + M * N + 8); // NaN beyond C too: a store past its end shows
  // In two calls, rows [0, h) and [h, M), as two threads would.
  const h = Math.floor(M / 2);
  (exports.mm as (...a: number[]) => void)(0, offB * 4, offC * 4, b, 0, h);
  (exports.mm as (...a: number[]) => void)(0, offB * 4, offC * 4, b, h, M);
  let worst = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let p = 0; p < K; p++) sum += A[i * aRow + p * aInner]! * Bm[p * N + j]!;
      worst = Math.max(worst, Math.abs(mem[offC + i * N + j]! - sum));
    }
  }
  for (let e = offC + M * N; e < offC + M * N + 8; e++) if (!Number.isNaN(mem[e]!)) return Infinity;
  return worst;
}

describe("matmul kernels = a float64 triple loop", () => {
  const cases: [string, MatmulSpec, number][] = [
    // x·W: [batch × 784]·[784 × 50], A row-major
    ["x·W", { m: batch(), k: c(37), n: c(50), aRow: c(37), aInner: c(1), rows: 4, vectors: 2 }, 1],
    // xᵀ·dY: A = xᵀ read in place, x [batch × 37]
    ["xᵀ·dY", { m: c(37), k: batch(), n: c(10), aRow: c(1), aInner: c(37), rows: 4, vectors: 2 }, 1],
    // a batch-dependent row stride: A = hᵀ with h [batch × batch]; n = batch
    ["hᵀ·h", { m: batch(), k: batch(), n: batch(), aRow: c(1), aInner: batch(), rows: 4, vectors: 2 }, 2],
    ["3×3 tiles", { m: c(13), k: c(5), n: c(23), aRow: c(5), aInner: c(1), rows: 3, vectors: 3 }, 0],
    ["1×1 tiles", { m: c(3), k: c(2), n: c(3), aRow: c(2), aInner: c(1), rows: 1, vectors: 1 }, 0],
    ["n = 1, 2, 4·3 + 2", { m: c(5), k: c(3), n: c(14), aRow: c(3), aInner: c(1), rows: 2, vectors: 2 }, 0],
    ["n = 1", { m: batch(), k: c(9), n: c(1), aRow: c(9), aInner: c(1), rows: 4, vectors: 1 }, 1],
    ["n = 2·batch (tails 2, 2, 2, 0)", { m: c(6), k: c(4), n: batch(2), aRow: c(4), aInner: c(1), rows: 4, vectors: 4 }, 0],
  ];
  it.each(cases)("%s", (_, spec, batchPower) => {
    for (const b of [1, 3, 7, 16]) {
      const at = (s: { c: number; p: number }) => s.c * b ** s.p;
      const storage =
        batchPower === 0 ? at(spec.m) * at(spec.k) : (at(spec.m) - 1) * at(spec.aRow) + (at(spec.k) - 1) * at(spec.aInner) + 1;
      expect(check(spec, b, storage, b)).toBeLessThan(1e-5 * Math.max(1, at(spec.k)));
    }
  });
});

describe("listing", () => {
  it("prints a function's signature, its first instructions by block depth, and how many more", async () => {
    const { listing, LISTED } = await import("../../src/codegen/wasm/listing.js");
    const f = new FunctionBody([I32, I32], [I32]);
    const acc = f.local(I32);
    f.block().get(0).eqz().brIf(0).loop().get(acc).get(1).add().set(acc).end().end().get(acc);
    expect(listing({ name: "sum", body: f })).toEqual([
      "(func $sum (param i32 ×2) (result i32) (local i32)  ;; 12 instructions",
      "  block",
      "    local.get 0; i32.eqz; br_if 0",
      "    loop",
      "      local.get 2; local.get 1; i32.add; local.set 2",
      "    end",
      "  end",
      "  local.get 2",
      ")",
    ]);
    const long = new FunctionBody([]);
    for (let i = 0; i < LISTED + 1234; i++) long.i32(i).set(0);
    const lines = listing({ name: "long", body: long });
    expect(lines[0]).toContain(`;; ${(2 * (LISTED + 1234)).toLocaleString("en-US")} instructions`);
    expect(lines.at(-2)).toBe(`  ;; … ${(2 * (LISTED + 1234) - LISTED).toLocaleString("en-US")} more`);
  });
});
