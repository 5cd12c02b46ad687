// Elementwise arithmetic, each op's math written once as an Expr (./expr.ts). Binary ops
// broadcast like numpy; their gradient rules return gradients of the broadcast shape and the
// autodiff driver sums them back to each input's shape. Activations are in ./activations.ts.
import * as E from "./expr.js";
import { binary, none, unary } from "./map.js";
import { ONNX_FLOAT, int, onnxOp } from "./onnx.js";
import type { OpDef } from "./types.js";

type UnaryKind = "neg" | "exp" | "log" | "sqrt";
type BinaryKind = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "ge";

export const elementwiseOps = {
  // d(-x) = -d
  neg: unary({ math: E.neg, grad: (b, _n, _x, d) => b.neg(d), domain: "any", attrs: none, onnx: onnxOp("Neg") }),
  // d/dx e^x = e^x (the node itself)
  exp: unary({
    math: E.exp,
    grad: (b, n, _x, d) => b.mul(d, n.id),
    domain: "any",
    attrs: none,
    onnx: onnxOp("Exp"),
    builtin: { summary: "e^x, elementwise", attrs: none },
  }),
  // d/dx log x = 1/x
  log: unary({
    math: E.log,
    grad: (b, _n, x, d) => b.div(d, x),
    domain: "positive",
    attrs: none,
    onnx: onnxOp("Log"),
    builtin: { summary: "natural logarithm, elementwise", attrs: none },
  }),
  // d/dx √x = 1 / (2√x)
  sqrt: unary({
    math: E.sqrt,
    grad: (b, n, _x, d) => b.div(d, b.mul(b.const(2), n.id)),
    domain: "positive",
    attrs: none,
    onnx: onnxOp("Sqrt"),
    builtin: { summary: "square root, elementwise", attrs: none },
  }),

  // d(a+b) = (d, d)
  add: binary({ math: E.add, grad: (_b, _n, _x, _y, d) => [d, d], domain: ["any", "any"], attrs: none, onnx: onnxOp("Add") }),
  // d(a-b) = (d, -d)
  sub: binary({ math: E.sub, grad: (b, _n, _x, _y, d) => [d, b.neg(d)], domain: ["any", "any"], attrs: none, onnx: onnxOp("Sub") }),
  // d(ab) = (d·b, d·a)
  mul: binary({
    math: E.mul,
    grad: (b, _n, x, y, d) => [b.mul(d, y), b.mul(d, x)],
    domain: ["any", "any"],
    attrs: none,
    onnx: onnxOp("Mul"),
  }),
  // d(a/b) = (d/b, -d·(a/b)/b)
  div: binary({
    math: E.div,
    grad: (b, n, _x, y, d, wants) => [b.div(d, y), wants[1] ? b.neg(b.div(b.mul(d, n.id), y)) : null],
    domain: ["any", "nonzero"],
    attrs: none,
    onnx: onnxOp("Div"),
  }),
  // d(a^b) = (d·b·a^(b-1), d·a^b·log a)
  pow: binary({
    math: E.pow,
    grad: (b, n, x, y, d, wants) => [
      wants[0] ? b.mul(d, b.mul(y, b.pow(x, b.sub(y, b.const(1))))) : null,
      wants[1] ? b.mul(d, b.mul(n.id, b.log(x))) : null,
    ],
    domain: ["positive", "any"],
    attrs: none,
    onnx: onnxOp("Pow"),
    // pow(x, 2) -> x·x (a multiply, not a library call, within an ulp); pow(x, 1) -> x.
    rewrite: (b, [x, y]) => {
      const p = b.constValue(y!);
      return p === 2 ? b.mul(x!, x!) : p === 1 ? x! : undefined;
    },
  }),
  // d max(a, b) goes to the larger input; ties go to a. max propagates NaN and orders -0 below
  // +0, as Math.max does (and wasm's f32x4.max).
  maximum: binary({
    math: E.max,
    grad: (b, _n, x, y, d) => {
      const m = b.ge(x, y);
      return [b.mul(d, m), b.mul(d, b.sub(b.const(1), m))];
    },
    domain: ["awayFromKinks", "awayFromKinks"],
    attrs: none,
    side: E.ge,
    // ONNX's Max propagates NaN too.
    onnx: onnxOp("Max"),
  }),
  // a >= b as 1 or 0: piecewise constant, so no gradient.
  ge: binary({
    math: E.ge,
    grad: () => [null, null],
    domain: ["awayFromKinks", "awayFromKinks"],
    attrs: none,
    side: E.ge,
    // ONNX compares to a bool tensor; nnc's 1/0 is its cast to float.
    onnx: { kind: "emit", emit: (e, n) => e.node("Cast", [e.node("GreaterOrEqual", n.inputs)], { to: int(ONNX_FLOAT) }) },
  }),
} satisfies { [K in UnaryKind | BinaryKind]: OpDef<K> };
