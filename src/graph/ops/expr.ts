// A tiny expression IR for elementwise math, as plain data: an op's math is written once as an
// Expr, and each backend renders it (src/codegen/expr-js.ts, src/codegen/wasm/expr-wasm.ts);
// `compileExpr` below is the float64 reference every elementwise op's `eval` uses.
import { erf as erf64 } from "../../prelude/math.js";

export type UnaryAlu = "neg" | "exp" | "log" | "log1p" | "sqrt" | "tanh" | "erf" | "abs";
export type BinaryAlu = "add" | "sub" | "mul" | "div" | "pow" | "max" | "min";
/** Comparisons give 1 or 0 (as a value), or choose a branch of `select`. */
export type CompareAlu = "gt" | "ge";

export type Expr =
  /** The op's input number `index`, one element of it. */
  | { readonly kind: "arg"; readonly index: number }
  | { readonly kind: "const"; readonly value: number }
  /** A uniform draw in [0, 1) from the op's seeded stream (OpDef.random): one per element, row-major. */
  | { readonly kind: "uniform" }
  | { readonly kind: "unary"; readonly op: UnaryAlu; readonly x: Expr }
  | { readonly kind: "binary"; readonly op: BinaryAlu; readonly a: Expr; readonly b: Expr }
  | { readonly kind: "compare"; readonly op: CompareAlu; readonly a: Expr; readonly b: Expr }
  /** cond ? then : otherwise, with cond true when nonzero (usually a comparison). */
  | { readonly kind: "select"; readonly cond: Expr; readonly then: Expr; readonly otherwise: Expr };

// Constructors, so that op definitions read like math. Numbers stand for constants.
type E = Expr | number;
const lift = (e: E): Expr => (typeof e === "number" ? { kind: "const", value: e } : e);
const un =
  (op: UnaryAlu) =>
  (x: E): Expr => ({ kind: "unary", op, x: lift(x) });
const bin =
  (op: BinaryAlu) =>
  (a: E, b: E): Expr => ({ kind: "binary", op, a: lift(a), b: lift(b) });
const cmp =
  (op: CompareAlu) =>
  (a: E, b: E): Expr => ({ kind: "compare", op, a: lift(a), b: lift(b) });

export const arg = (index: number): Expr => ({ kind: "arg", index });
export const uniform: Expr = { kind: "uniform" };
export const constant = (value: number): Expr => ({ kind: "const", value });
export const neg = un("neg");
export const exp = un("exp");
export const log = un("log");
export const log1p = un("log1p");
export const sqrt = un("sqrt");
export const tanh = un("tanh");
export const erf = un("erf");
export const abs = un("abs");
export const add = bin("add");
export const sub = bin("sub");
export const mul = bin("mul");
export const div = bin("div");
export const pow = bin("pow");
export const max = bin("max");
export const min = bin("min");
export const gt = cmp("gt");
export const ge = cmp("ge");
export const select = (cond: Expr, then: E, otherwise: E): Expr => ({ kind: "select", cond, then: lift(then), otherwise: lift(otherwise) });

/** The float64 semantics of each ALU op (JavaScript's Math, and the prelude's erf). */
export const UNARY: { readonly [K in UnaryAlu]: (x: number) => number } = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  erf: erf64,
  abs: Math.abs,
};
export const BINARY: { readonly [K in BinaryAlu]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  max: Math.max,
  min: Math.min,
};
export const COMPARE: { readonly [K in CompareAlu]: (a: number, b: number) => boolean } = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
};

/** Reads the arguments of one element. */
export type Compiled = (args: ArrayLike<number>) => number;

/**
 * Compiles `e` once into nested closures (no tree walk per element). `random` is the op's
 * stream; an Expr that draws without one is an internal error.
 */
export function compileExpr(e: Expr, random?: () => number): Compiled {
  switch (e.kind) {
    case "arg": {
      const i = e.index;
      return (args) => args[i]!;
    }
    case "const": {
      const v = e.value;
      return () => v;
    }
    case "uniform": {
      if (!random) throw new Error("internal: this expression draws random numbers but has no stream");
      return () => random();
    }
    case "unary": {
      const [f, x] = [UNARY[e.op], compileExpr(e.x, random)];
      return (args) => f(x(args));
    }
    case "binary": {
      const [f, a, b] = [BINARY[e.op], compileExpr(e.a, random), compileExpr(e.b, random)];
      return (args) => f(a(args), b(args));
    }
    case "compare": {
      const [f, a, b] = [COMPARE[e.op], compileExpr(e.a, random), compileExpr(e.b, random)];
      return (args) => (f(a(args), b(args)) ? 1 : 0);
    }
    case "select": {
      const [c, t, o] = [compileExpr(e.cond, random), compileExpr(e.then, random), compileExpr(e.otherwise, random)];
      return (args) => (c(args) !== 0 ? t(args) : o(args));
    }
  }
}

/** Whether `e` contains a node for which `test` holds. */
export function someNode(e: Expr, test: (e: Expr) => boolean): boolean {
  if (test(e)) return true;
  switch (e.kind) {
    case "unary":
      return someNode(e.x, test);
    case "binary":
    case "compare":
      return someNode(e.a, test) || someNode(e.b, test);
    case "select":
      return someNode(e.cond, test) || someNode(e.then, test) || someNode(e.otherwise, test);
    default:
      return false;
  }
}
