// Every elementwise op whose Expr has a vector form (src/codegen/wasm/expr-wasm.ts), four lanes at a time,
// against its float64 reference rounded to float32, on random values and the special ones (±0,
// ±Infinity, NaN, huge, tiny). Arithmetic ops must agree exactly (one float32 operation against
// a float64 one rounded once: the same float32 result); exp and what is built on it (sigmoid)
// within 4 ulp of float32 (the polynomial's 2, the ops around it one each), silu within 5 (one
// more multiply). Ops with an attribute (alpha = 0.1) see it rounded to float32: leaky_relu within
// 2 ulp, elu within 5, and elu's e^x - 1 cancels near 0, so it is judged on the scale of alpha.
import { describe, expect, it } from "vitest";
import { encodeModule, FunctionBody, I32, V128 } from "../../src/codegen/wasm/encode.js";
import { instantiateSync, type WasmMemory } from "../../src/codegen/wasm/api.js";
import { exprToWasm, wasmCanRender } from "../../src/codegen/wasm/expr-wasm.js";
import { VectorEmitter } from "../../src/codegen/wasm/vector.js";
import type { Expr } from "../../src/graph/ops/expr.js";
import { OP_KINDS, OPS, type OpDef, type OpKind } from "../../src/graph/ops/index.js";
import { tensor, type Tensor } from "../../src/graph/tensor.js";

const SPECIAL = [0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN, 3e38, -3e38, 1e-38, 88.5, 89, -87, -104, 20, -20];
const ULPS: Record<string, number> = { exp: 4, sigmoid: 4, silu: 5, elu: 5, leaky_relu: 2 };

interface Case {
  readonly name: string;
  readonly arity: number;
  readonly expr: Expr;
  /** The float64 reference on one element. */
  readonly reference: (inputs: Tensor[]) => number;
}

/** An elementwise op with a vector form, at the smallest attributes its sampler makes (alpha = 0.1). */
function caseOf<K extends OpKind>(name: K): Case[] {
  const def: OpDef<K> = OPS[name];
  const attrs = def.sample?.({ int: (min) => min, bool: () => false }).attrs;
  if (def.kernel.kind !== "map" || def.kernel.readsInputs === false || !attrs) return [];
  // Layout ops (broadcast, transpose) are the identity in wasm: their loads do the work.
  if (name === "broadcast" || name === "transpose") return [];
  const expr = def.kernel.expr(attrs, { training: true });
  if (!wasmCanRender(expr)) return [];
  const ctx = { training: true, stream: () => () => 0, dims: new Map<string, number>(), feed: () => tensor([], [0]) };
  return [{ name, arity: def.arity, expr, reference: (inputs) => def.eval(inputs, attrs, ctx).data[0]! }];
}

/** f(a[, b]) over n lanes at byte 0 (and 16 n), written to 32 n. */
function run(e: Expr, arity: number, xs: Float32Array, ys: Float32Array): Float32Array {
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
    exprToWasm(new VectorEmitter(f), e, arity === 1 ? [x] : [x, y]);
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
  const ops = OP_KINDS.flatMap(caseOf);
  it("covers the ops a dense layer's epilogue uses", () => {
    expect(ops.map((c) => c.name)).toEqual(
      expect.arrayContaining(["add", "sub", "mul", "div", "neg", "exp", "sigmoid", "relu", "step", "maximum", "ge", "sqrt"]),
    );
  });
  for (const { name, arity, expr, reference } of ops) {
    it(name, () => {
      let s = 7;
      const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 20;
      const values = [...SPECIAL, ...Array.from({ length: 400 }, rand)];
      const pairs = values.flatMap((a) =>
        arity === 1
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
      const got = run(expr, arity, xs, ys);
      const ulps = ULPS[name] ?? 0;
      pairs.forEach((_, i) => {
        const inputs = arity === 1 ? [tensor([1], [xs[i]!])] : [tensor([1], [xs[i]!]), tensor([1], [ys[i]!])];
        const want = Math.fround(reference(inputs));
        const g = got[i]!;
        const what = `${name}(${xs[i]}${arity === 2 ? `, ${ys[i]}` : ""}) = ${g}, want ${want}`;
        if (Number.isNaN(want)) return void expect(g, what).toBeNaN();
        if (ulps === 0 || !Number.isFinite(want))
          return void expect(Object.is(g, want) || (g === 0 && want === 0 && name !== "neg"), what).toBe(true);
        // Below float32's normal range exp gives 0: judged on an absolute scale there.
        const scale = name === "elu" ? Math.max(Math.abs(want), 0.1) : Math.abs(want);
        expect(Math.abs(g - want), what).toBeLessThanOrEqual(Math.max(ulps * 2 ** -23 * scale, 1.2e-38));
      });
    });
  }
});
