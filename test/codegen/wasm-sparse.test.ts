// The zero-skipping matmul kernel (src/codegen/kernels/matmul/sparse-function.ts) against the
// dense kernel it falls back on, in modules holding both (the dense one at function index 0, as
// the sparse one's `call` expects): on op(A)s with 0% to 100% zeros, contiguous rows and Aᵀ read
// in place (its 4-row tiles where 99% are zeros, its one-row tiles at 50% and 81%: 4 random rows'
// union is much denser than each), odd extents, batch-size symbols, in the plain and the FMA builds. The sums run in the
// same order, so C must equal the dense kernel's exactly (=== : up to the sign of a zero) and a
// float64 triple loop within 1e-5 of the scale (float32 sums of ≤ 130 terms of size ≤ 1). Then
// the gate: dense data goes to the dense kernel, sparse data does not (seen through a stand-in
// dense kernel that marks the rows it gets).
import { describe, expect, it } from "vitest";
import { encodeModule, FunctionBody, I32, type WasmFunction } from "../../src/codegen/wasm/encode.js";
import { matmulFunction } from "../../src/codegen/kernels/matmul/wasm-function.js";
import { sparseMatmulFunction, type SparseSpec } from "../../src/codegen/kernels/matmul/sparse-function.js";
import { SPARSE_PERCENT } from "../../src/codegen/kernels/matmul/sparse.js";
import { instantiateSync, WebAssemblyApi, type WasmMemory } from "../../src/codegen/wasm/api.js";
import { enableFma } from "../../src/runtime/fma.js";
import type { Size } from "../../src/codegen/plan.js";

const c = (n: number): Size => ({ c: n, p: 0 });
const batch = (n = 1): Size => ({ c: n, p: 1 });
const at = (s: Size, b: number) => s.c * b ** s.p;
const fma = enableFma();

interface Product {
  readonly m: Size;
  readonly k: Size;
  readonly n: Size;
  readonly trans: boolean;
}
type Kernel = (...args: number[]) => void;

/** A module with `dense` as function 0 and the sparse kernel for the product as function 1. */
function kernels(pr: Product, b: number, percent: number | SparseSpec["percent"], useFma: boolean, dense?: FunctionBody) {
  const [M, K] = [at(pr.m, b), at(pr.k, b)];
  // op(A) = A [m × k] read by rows, or Aᵀ with A [k × m] read in place.
  const aRow = pr.trans ? c(1) : pr.k;
  const aInner = pr.trans ? pr.m : c(1);
  const spec: SparseSpec = {
    k: pr.k,
    n: pr.n,
    aRow,
    aInner,
    layout: pr.trans ? "columns" : "rows",
    fma: useFma,
    dense: 0,
    percent: typeof percent === "number" ? { rows: percent, columns: percent, block: percent } : percent,
  };
  const fns: WasmFunction[] = [
    { name: "dense", body: dense ?? matmulFunction({ m: pr.m, k: pr.k, n: pr.n, aRow, aInner, rows: 4, vectors: 2, fma: useFma }) },
    { name: "sparse", body: sparseMatmulFunction(spec) },
  ];
  const bytes = encodeModule(fns, 16);
  expect(WebAssemblyApi.validate(bytes)).toBe(true);
  const ex = instantiateSync(bytes);
  return {
    ex: ex as Record<string, Kernel>,
    mem: new Float32Array((ex.memory as WasmMemory).buffer),
    M,
    K,
    stride: { row: at(aRow, b), inner: at(aInner, b) },
  };
}

/** op(A) with the given share of zeros (rows `zeroRows` all zero), B with values in [-1, 1). */
function operands(M: number, K: number, N: number, zeros: number, seed: number, zeroRows: readonly number[] = []) {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const opA = Array.from({ length: M }, (_, i) =>
    Array.from({ length: K }, () => (rand() < zeros || zeroRows.includes(i) ? 0 : rand() * 2 - 1)),
  );
  const B = Float32Array.from({ length: K * N }, () => rand() * 2 - 1);
  return { opA, B };
}

/** C by the sparse kernel (rows split in two calls on two threads' slots) and by the dense one. */
function run(
  pr: Product,
  b: number,
  zeros: number,
  useFma: boolean,
  percent: number | SparseSpec["percent"] = 100,
  zeroRows: readonly number[] = [],
  split = true,
) {
  const { ex, mem, M, K, stride } = kernels(pr, b, percent, useFma);
  const N = at(pr.n, b);
  const { opA, B } = operands(M, K, N, zeros, M * 31 + K * 7 + N, zeroRows);
  for (let i = 0; i < M; i++) for (let p = 0; p < K; p++) mem[i * stride.row + p * stride.inner] = opA[i]![p]!;
  const [offB, offC, offD] = [M * K, M * K + K * N, M * K + K * N + M * N];
  const scratch = (offD + M * N + 8) * 4;
  mem.set(B, offB);
  mem.fill(NaN, offC, offD + M * N + 8); // NaN after C too: a store past its end shows
  const h = split ? Math.floor(M / 8) * 4 : M; // a shared job's chunks are whole blocks of 4 rows
  ex.sparse!(0, offB * 4, offC * 4, b, 0, h, scratch, 0);
  ex.sparse!(0, offB * 4, offC * 4, b, h, M, scratch, 1);
  ex.dense!(0, offB * 4, offD * 4, b, 0, M);
  const sparse = Array.from(mem.subarray(offC, offC + M * N));
  const dense = Array.from(mem.subarray(offD, offD + M * N));
  let worst = 0;
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let p = 0; p < K; p++) sum += opA[i]![p]! * B[p * N + j]!;
      worst = Math.max(worst, Math.abs(sparse[i * N + j]! - sum));
    }
  const past = Array.from(mem.subarray(offC + M * N, offD));
  return { sparse, dense, worst, past, M, N, mem, offC };
}

/** The indices where a and b differ by more than the sign of a zero. */
const differences = (a: readonly number[], b: readonly number[]) => a.flatMap((x, e) => (x === b[e] ? [] : [e]));

const products: [string, Product, number][] = [
  ["x·W: [batch × 37]·[37 × 50]", { m: batch(), k: c(37), n: c(50), trans: false }, 13],
  ["x·W, n a multiple of 4, above 8 vectors", { m: c(9), k: c(20), n: c(40), trans: false }, 1],
  ["x·W, n < 4", { m: c(6), k: c(11), n: c(3), trans: false }, 1],
  ["k = 1", { m: c(7), k: c(1), n: c(5), trans: false }, 1],
  ["m = 1", { m: c(1), k: c(30), n: c(7), trans: false }, 1],
  ["xᵀ·dY: [37 × batch]·[batch × 10], x [batch × 37]", { m: c(37), k: batch(), n: c(10), trans: true }, 21],
  ["xᵀ·dY, m a multiple of 4, n = 1", { m: c(16), k: c(9), n: c(1), trans: true }, 1],
  ["xᵀ·dY, k = 1", { m: c(10), k: c(1), n: c(6), trans: true }, 1],
  ["n = batch (not constant)", { m: c(9), k: c(13), n: batch(), trans: false }, 11],
  ["n = batch, transposed", { m: c(9), k: c(13), n: batch(), trans: true }, 7],
  ["xᵀ·dY, blocks of 16 rows and a rest, n = 13: [50 × batch]·[batch × 13]", { m: c(50), k: batch(), n: c(13), trans: true }, 23],
  ["xᵀ·dY, 2 blocks of 16 rows, n = batch", { m: c(32), k: c(19), n: batch(2), trans: true }, 11],
  ["xᵀ·dY, blocks of 16 rows, k = 1", { m: c(35), k: c(1), n: c(6), trans: true }, 1],
  // Past 4 blocks of 8 vectors the blocks of columns are a loop, not unrolled; then single vectors and a partial one.
  ["d·Wᵀ of a wide C, n = 150 (38 vectors: a loop)", { m: c(6), k: c(20), n: c(150), trans: false }, 1],
  ["xᵀ·dY of a wide C, n = 150", { m: c(20), k: batch(), n: c(150), trans: true }, 9],
];

/** Break-even shares forcing each kind of tile of Aᵀ: block tiles (then 4-row tiles for the rest), 4-row tiles, one-row tiles. */
const forced: [string, SparseSpec["percent"]][] = [
  ["block tiles", { rows: 100, columns: 100, block: 100 }],
  ["4-row tiles", { rows: 100, columns: 100, block: 0 }],
  ["one-row tiles", { rows: 100, columns: 1, block: 0 }],
];

describe("the zero-skipping matmul kernel equals the dense kernel", () => {
  const builds = fma ? [false, true] : [false];
  for (const useFma of builds)
    for (const [name, pr, b] of products)
      it(`${name}${useFma ? ", FMA" : ""}`, () => {
        for (const [tiles, percent] of pr.trans ? forced : forced.slice(0, 1))
          for (const zeros of [0, 0.5, 0.81, 0.99, 1]) {
            const r = run(pr, b, zeros, useFma, percent);
            expect(differences(r.sparse, r.dense), `${tiles}, ${zeros * 100}% zeros`).toEqual([]);
            expect(r.worst).toBeLessThan(1e-5 * Math.max(1, at(pr.k, b)));
            expect(r.past.every(Number.isNaN), "nothing written past C").toBe(true);
          }
      });

  it("Aᵀ: rows split in two calls (two threads, a block of 16 rows cut) give one call's bits", () => {
    for (const useFma of builds)
      for (const [, pr, b] of products.filter(([, p]) => p.trans))
        for (const zeros of [0.5, 0.81, 0.99]) {
          const one = run(pr, b, zeros, useFma, SPARSE_PERCENT, [], false).sparse;
          const two = run(pr, b, zeros, useFma, SPARSE_PERCENT).sparse;
          expect(
            two.every((x, e) => Object.is(x, one[e])),
            `${zeros * 100}% zeros`,
          ).toBe(true);
        }
  });

  it("an all-zero row of op(A) gives a zero row of C; rows after it are unaffected", () => {
    for (const pr of [products[0]![1], products[5]![1]]) {
      const r = run(pr, 13, 0.3, false, 100, [0, 5]);
      for (const i of [0, 5]) expect(r.sparse.slice(i * r.N, (i + 1) * r.N).every((x) => x === 0)).toBe(true);
      expect(differences(r.sparse, r.dense)).toEqual([]);
    }
  });

  it("an Inf in B where op(A) is 0 does not reach C (the dense kernel's 0 · Inf is NaN)", () => {
    const pr: Product = { m: c(4), k: c(8), n: c(4), trans: false };
    const { ex, mem } = kernels(pr, 1, 100, false);
    const [offB, offC] = [32, 64];
    for (let i = 0; i < 4; i++) for (let p = 0; p < 8; p++) mem[i * 8 + p] = p === 3 ? 0 : 1;
    for (let e = 0; e < 32; e++) mem[offB + e] = e >= 12 && e < 16 ? Infinity : 0.5; // B's row 3
    ex.sparse!(0, offB * 4, offC * 4, 1, 0, 4, 512, 0);
    expect(Array.from(mem.subarray(offC, offC + 16))).toEqual(new Array<number>(16).fill(3.5));
    ex.dense!(0, offB * 4, offC * 4, 1, 0, 4);
    expect(Array.from(mem.subarray(offC, offC + 16)).every(Number.isNaN)).toBe(true);
  });
});

describe("the gate", () => {
  /** A stand-in for the dense kernel: C[i, 0] = -1 for its rows i, nothing else. */
  function marker(): FunctionBody {
    const f = new FunctionBody([I32, I32, I32, I32, I32, I32]);
    const i = f.local(I32);
    f.get(4).set(i).block().loop();
    f.get(i).get(5).ltS().eqz().brIf(1);
    f.get(2)
      .get(i)
      .i32(4 * 50)
      .mul()
      .add()
      .f32(-1)
      .f32Store();
    f.get(i).i32(1).add().set(i).br(0);
    f.end().end();
    return f;
  }
  /** A well-mixed hash of (i, p) in [0, 1). */
  const hash = (i: number, p: number) => {
    let h = Math.imul(i * 7919 + p * 104729 + 12345, 2654435761) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
    return ((h ^ (h >>> 13)) >>> 0) / 2 ** 32;
  };
  /**
   * The rows the gate sent to the dense kernel, for op(A) with rows of the given shares of zeros
   * spread over p (the gate counts a sample); with `owned`, each p nonzero in one of each 4 rows
   * only (so that their union is dense, each row 75% zeros).
   */
  function denseRows(pr: Product, zerosByRow: readonly number[], owned = false): number[] {
    const { ex, mem, M, K, stride } = kernels(pr, 1, SPARSE_PERCENT, false, marker());
    for (let i = 0; i < M; i++)
      for (let p = 0; p < K; p++) {
        const keep = owned ? Math.floor(hash(i >> 2, p) * 4) === i % 4 : hash(i, p) >= zerosByRow[i]!;
        mem[i * stride.row + p * stride.inner] = keep ? 0.5 + hash(p, i) : 0;
      }
    const [offB, offC] = [M * K, M * K + K * 50];
    mem.fill(0.25, offB, offC);
    ex.sparse!(0, offB * 4, offC * 4, 1, 0, M, (offC + M * 50) * 4, 0);
    return Array.from({ length: M }, (_, i) => i).filter((i) => mem[offC + i * 50] === -1);
  }

  it(`sends blocks of 4 rows with more than ${SPARSE_PERCENT.rows}% nonzeros to the dense kernel, by the count alone`, () => {
    const rows: Product = { m: c(10), k: c(200), n: c(50), trans: false };
    // Blocks [0, 4) dense (sigmoid-like: no zeros), [4, 8) 80% zeros; rows 8 and 9 (a partial block) one by one.
    expect(denseRows(rows, [0, 0, 0, 0, 0.8, 0.8, 0.8, 0.8, 0, 0.9])).toEqual([0, 1, 2, 3, 8]);
    // The threshold counts the block's nonzeros together: 3 rows of 80% zeros outweigh one dense row.
    expect(denseRows(rows, [0, 0.8, 0.8, 0.8, 0, 0, 0, 0, 0.9, 0.9])).toEqual([4, 5, 6, 7]);
  });

  it("Aᵀ: blocks of 4 rows go to the cheapest of 4-row tiles over their union, one-row tiles and the dense kernel", () => {
    const cols: Product = { m: c(10), k: c(200), n: c(50), trans: true };
    // Each row 25% nonzero, their union 100%: one-row tiles, not dense.
    expect(denseRows(cols, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], true)).toEqual([]);
    expect(denseRows(cols, [0, 0, 0, 0, 0.8, 0.8, 0.8, 0.8, 0.9, 0.1])).toEqual([0, 1, 2, 3, 9]);
  });
});
