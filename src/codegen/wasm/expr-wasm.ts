// Renders an elementwise Expr (src/graph/ops/expr.ts) as WebAssembly SIMD, four float32 lanes at
// a time: argument locals in, the result left on the stack. `exp` is VectorEmitter's polynomial;
// log, log1p, tanh, pow, abs, erf and random draws have no vector form here, so an epilogue
// with any of them stays in JavaScript (`wasmCanRender` says which).
import type { BinaryAlu, Expr } from "../../graph/ops/expr.js";
import type { VectorEmitter } from "./vector.js";

const BINARY: { readonly [K in BinaryAlu]?: (v: VectorEmitter) => void } = {
  add: (v) => v.f.f32x4Add(),
  sub: (v) => v.f.f32x4Sub(),
  mul: (v) => v.f.f32x4Mul(),
  div: (v) => v.f.f32x4Div(),
  // max and min propagate NaN and order -0 below +0, as Math.max and Math.min do.
  max: (v) => v.f.f32x4Max(),
  min: (v) => v.f.f32x4Min(),
};

/** Whether `e` has a vector form. */
export function wasmCanRender(e: Expr): boolean {
  switch (e.kind) {
    case "arg":
    case "const":
      return true;
    case "uniform":
      return false;
    case "unary":
      return (e.op === "neg" || e.op === "exp" || e.op === "sqrt") && wasmCanRender(e.x);
    case "binary":
      return BINARY[e.op] !== undefined && wasmCanRender(e.a) && wasmCanRender(e.b);
    case "compare":
      return wasmCanRender(e.a) && wasmCanRender(e.b);
    case "select":
      return e.cond.kind === "compare" && wasmCanRender(e.cond) && wasmCanRender(e.then) && wasmCanRender(e.otherwise);
  }
}

/** Pushes `e`'s value, computed from the v128 locals `args`. */
export function exprToWasm(v: VectorEmitter, e: Expr, args: readonly number[]): void {
  const at = (x: Expr) => exprToWasm(v, x, args);
  switch (e.kind) {
    case "arg":
      v.get(args[e.index]!);
      return;
    case "const":
      v.splat(e.value);
      return;
    case "unary":
      at(e.x);
      if (e.op === "neg") v.f.f32x4Neg();
      else if (e.op === "exp") v.exp();
      else if (e.op === "sqrt") v.f.f32x4Sqrt();
      else throw new Error(`internal: no vector form for ${e.op}`);
      return;
    case "binary": {
      const op = BINARY[e.op];
      if (!op) throw new Error(`internal: no vector form for ${e.op}`);
      at(e.a);
      at(e.b);
      op(v);
      return;
    }
    case "compare":
      // An all-ones lane mask where true, then 1.0 where set.
      mask(v, e, args);
      v.splat(1).f.v128And();
      return;
    case "select": {
      const c = e.cond;
      if (c.kind !== "compare") throw new Error("internal: no vector form for a select on a non-comparison");
      // a > b ? a : b is pmax(b, a) = b < a ? a : b (NaN in a gives b in both): relu's one instruction.
      if (c.op === "gt" && same(c.a, e.then) && same(c.b, e.otherwise)) {
        at(c.b);
        at(c.a);
        v.f.f32x4Pmax();
        return;
      }
      at(e.then);
      at(e.otherwise);
      mask(v, c, args);
      v.f.v128Bitselect();
      return;
    }
    case "uniform":
      throw new Error("internal: no vector form for random draws");
  }
}

function mask(v: VectorEmitter, e: Extract<Expr, { kind: "compare" }>, args: readonly number[]): void {
  exprToWasm(v, e.a, args);
  exprToWasm(v, e.b, args);
  if (e.op === "gt") v.f.f32x4Gt();
  else v.f.f32x4Ge();
}

function same(a: Expr, b: Expr): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
