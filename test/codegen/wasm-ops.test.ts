// Every op with a WebAssembly kernel (the `wasm` of its map template), four lanes at a time,
// against its float64 reference rounded to float32, on random values and the special ones (±0,
// ±Infinity, NaN, huge, tiny). Arithmetic ops must agree exactly (one float32 operation against
// a float64 one rounded once: the same float32 result); exp and what is built on it (sigmoid)
// within 4 ulp of float32 (the polynomial's 2, the ops around it one each).
import { describe, expect, it } from "vitest";
import { encodeModule, FunctionBody, I32, V128 } from "../../src/codegen/wasm/encode.js";
import { instantiateSync, type WasmMemory } from "../../src/codegen/wasm/api.js";
import { VectorEmitter } from "../../src/codegen/wasm/vector.js";
import { OPS } from "../../src/graph/ops/index.js";
import { tensor } from "../../src/graph/tensor.js";

const SPECIAL = [0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN, 3e38, -3e38, 1e-38, 88.5, 89, -87, -104, 20, -20];
const ULPS: Record<string, number> = { exp: 4, sigmoid: 4 };

/** f(a[, b]) over n lanes at byte 0 (and 16 n), written to 32 n. */
function run(op: string, arity: number, xs: Float32Array, ys: Float32Array): Float32Array {
  const t = OPS[op as keyof typeof OPS].kernel as { wasm?: (v: VectorEmitter, args: readonly number[]) => void };
  const f = new FunctionBody([I32]);
  const [x, y] = [f.local(V128), f.local(V128)];
  const n = xs.length;
  for (let i = 0; i < n; i += 4) {
    f.i32(0)
      .v128Load(i * 4)
      .set(x);
    f.i32(0)
      .v128Load(4 * n + i * 4)
      .set(y);
    f.i32(0);
    t.wasm!(new VectorEmitter(f), arity === 1 ? [x] : [x, y]);
    f.v128Store(8 * n + i * 4);
  }
  const exports = instantiateSync(encodeModule([{ name: "f", body: f }], 1));
  const mem = new Float32Array((exports.memory as WasmMemory).buffer);
  mem.set(xs, 0);
  mem.set(ys, n);
  (exports.f as (p: number) => void)(0);
  return mem.slice(2 * n, 3 * n);
}

describe("ops in WebAssembly (epilogue kernels) = the float64 reference rounded to float32", () => {
  // Layout ops (broadcast, transpose) are the identity in wasm: their loads do the work.
  const ops = Object.entries(OPS).filter(
    ([name, d]) =>
      d.kernel.kind === "map" && (d.kernel as { wasm?: unknown }).wasm !== undefined && name !== "broadcast" && name !== "transpose",
  );
  it("covers the ops a dense layer's epilogue uses", () => {
    expect(ops.map(([name]) => name)).toEqual(
      expect.arrayContaining(["add", "sub", "mul", "div", "neg", "exp", "sigmoid", "relu", "step", "maximum", "ge", "sqrt"]),
    );
  });
  for (const [name, def] of ops) {
    it(name, () => {
      let s = 7;
      const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 20;
      const values = [...SPECIAL, ...Array.from({ length: 400 }, rand)];
      const pairs = values.flatMap((a) =>
        def.arity === 1
          ? [[a, 0]]
          : [
              [a, rand()],
              [a, a],
              [rand(), a],
            ],
      );
      while (pairs.length % 4 !== 0) pairs.push([1, 1]);
      const xs = Float32Array.from(pairs.map((p) => p[0]!));
      const ys = Float32Array.from(pairs.map((p) => p[1]!));
      const got = run(name, def.arity, xs, ys);
      const ulps = ULPS[name] ?? 0;
      pairs.forEach((_, i) => {
        const inputs = def.arity === 1 ? [tensor([1], [xs[i]!])] : [tensor([1], [xs[i]!]), tensor([1], [ys[i]!])];
        const want = Math.fround(def.eval(inputs, {} as never, {} as never).data[0]!);
        const g = got[i]!;
        const what = `${name}(${xs[i]}${def.arity === 2 ? `, ${ys[i]}` : ""}) = ${g}, want ${want}`;
        if (Number.isNaN(want)) return void expect(g, what).toBeNaN();
        if (ulps === 0 || !Number.isFinite(want))
          return void expect(Object.is(g, want) || (g === 0 && want === 0 && name !== "neg"), what).toBe(true);
        // Below float32's normal range exp gives 0: judged on an absolute scale there.
        expect(Math.abs(g - want), what).toBeLessThanOrEqual(Math.max(ulps * 2 ** -23 * Math.abs(want), 1.2e-38));
      });
    });
  }
});
