// The pooling kernels in WebAssembly (src/codegen/kernels/pool/wasm.ts), each run directly over
// every plane against its reference loop (src/graph/ops/pool-ref.ts), on random geometries
// (size 1-3, stride 1-3, pad below size; windows that tile the plane and windows that overlap or
// leave rows out) and values with ties, ±0, ±Infinity and NaN. Max pooling and its adjoints move
// values, so they must match exactly, the first maximum of each window included (a float32
// comparison orders float32 values as the reference's float64 one does); max_pool_gather is
// covered here only (training programs never run it). Average pooling sums in float32 (the
// reference in float64): within 1e-6 of the values' scale.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { poolFunction, type PoolOp } from "../../src/codegen/kernels/pool/wasm.js";
import { encodeModule } from "../../src/codegen/wasm/encode.js";
import { instantiateSync, type WasmMemory } from "../../src/codegen/wasm/api.js";
import { avgPoolBackwardRef, avgPoolRef, maxPoolBackwardRef, maxPoolGatherRef, maxPoolRef } from "../../src/graph/ops/pool-ref.js";
import { outExtent } from "../../src/graph/ops/window.js";
import { tensor, type Tensor } from "../../src/graph/tensor.js";

const VALUES = [0, -0, 1, -1, 2, 2, 2, 0.5, Infinity, -Infinity, NaN, 3];

const geometry = fc
  .record({
    size: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 3 }),
    pad: fc.nat(2),
    planes: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
  })
  .map((g) => ({ ...g, pad: g.pad % g.size, h: Math.max(g.h, g.size), w: Math.max(g.w, g.size) }));

// 2×2 windows at stride 2 without padding (the book's pooling, run four windows at a time), on
// planes wide enough for groups of four windows and some left over (8-26 columns), odd widths too.
const wide = fc.record({
  size: fc.constant(2),
  stride: fc.constant(2),
  pad: fc.constant(0),
  planes: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 2, max: 7 }),
  w: fc.integer({ min: 8, max: 26 }),
});

/** Runs `op`'s kernel over every plane: a, b, c laid out one after the other in a fresh memory. */
function run(
  op: PoolOp,
  geo: [number, number, number, number, number, number, number, number],
  a: Float32Array,
  b: Float32Array,
  outLength: number,
): Float32Array {
  const exports = instantiateSync(encodeModule([{ name: "k", body: poolFunction(op, geo) }], 16));
  const mem = new Float32Array((exports.memory as WasmMemory).buffer);
  const [ao, bo, co] = [0, a.length, a.length + b.length];
  mem.set(a, ao);
  mem.set(b, bo);
  mem.fill(12345, co, co + outLength); // every output element must be written
  const planes = geo[0];
  (exports.k as (...args: number[]) => void)(ao * 4, bo * 4, co * 4, 1, 0, planes);
  return mem.slice(co, co + outLength);
}

const same = (got: Float32Array, want: Tensor) =>
  Array.from(got).every((g, i) => Object.is(g, Math.fround(want.data[i]!)) || (g === 0 && want.data[i] === 0));

const cases = [
  ["", geometry, 300],
  [", 2×2 windows at stride 2 on wide planes", wide, 150],
] as const;

describe("pooling kernels in WebAssembly = the reference loops", () => {
  for (const [what, geometries, numRuns] of cases)
    it(`max_pool, max_pool_backward, max_pool_gather (exactly), avg_pool and avg_pool_backward (float32 sums)${what}`, () => {
      fc.assert(
        fc.property(
          geometries,
          fc.array(fc.integer({ min: 0, max: VALUES.length - 1 }), { minLength: 81 * 3, maxLength: 81 * 3 }),
          (g, picks) => {
            const attrs = { size: g.size, stride: g.stride, pad: g.pad };
            const [oh, ow] = [outExtent(g.h, g.size, attrs), outExtent(g.w, g.size, attrs)];
            if (oh < 1 || ow < 1) return;
            const xShape = [1, g.planes, g.h, g.w];
            const yShape = [1, g.planes, oh, ow];
            const n = g.planes * g.h * g.w;
            const m = g.planes * oh * ow;
            const x = Float32Array.from({ length: n }, (_, i) => VALUES[picks[i % picks.length]!]!);
            const gx = Float32Array.from({ length: n }, (_, i) => i + 1);
            const dy = Float32Array.from({ length: m }, (_, i) => (i % 7) - 3.5);
            const geo: [number, number, number, number, number, number, number, number] = [
              g.planes,
              g.h,
              g.w,
              oh,
              ow,
              g.size,
              g.stride,
              g.pad,
            ];
            const [X, GX, DY] = [tensor(xShape, Array.from(x)), tensor(xShape, Array.from(gx)), tensor(yShape, Array.from(dy))];
            const what = JSON.stringify({ ...g, x: Array.from(x) });
            expect(same(run("max_pool", geo, x, new Float32Array(0), m), maxPoolRef(X, attrs)), `max_pool ${what}`).toBe(true);
            expect(same(run("max_pool_backward", geo, x, dy, n), maxPoolBackwardRef(X, DY, attrs)), `max_pool_backward ${what}`).toBe(true);
            expect(same(run("max_pool_gather", geo, x, gx, m), maxPoolGatherRef(X, GX, attrs)), `max_pool_gather ${what}`).toBe(true);
            // Average pooling on finite values (the reference's float64 sums against float32 ones).
            const finite = Float32Array.from(gx, (v) => v / 7);
            const avg = run("avg_pool", geo, finite, new Float32Array(0), m);
            const wantAvg = avgPoolRef(tensor(xShape, Array.from(finite)), attrs);
            avg.forEach((v, i) => expect(Math.abs(v - wantAvg.data[i]!), `avg_pool ${what}`).toBeLessThanOrEqual(1e-6 * 81));
            const back = run("avg_pool_backward", geo, dy, new Float32Array(0), n);
            const wantBack = avgPoolBackwardRef(DY, g.h, g.w, attrs);
            back.forEach((v, i) => expect(Math.abs(v - wantBack.data[i]!), `avg_pool_backward ${what}`).toBeLessThanOrEqual(1e-6 * 4));
          },
        ),
        { seed: 5, numRuns },
      );
    });
});
