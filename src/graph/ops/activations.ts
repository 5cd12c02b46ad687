// Activations: elementwise nonlinearities, each one entry (its attributes, math as an Expr,
// gradient rule, test domain and `.nn` builtin), so adding one touches this file only.
import type { NoAttrs } from "./attrs.js";
import * as E from "./expr.js";
import { none, unary } from "./map.js";
import { ONNX_FLOAT, float, int, onnxOp, type OnnxEmitter } from "./onnx.js";
import type { OpDef, SampleGen } from "./types.js";

/** The attributes of the ops below; `AttrMap` (./attrs.ts) extends this. */
export interface ActivationAttrs {
  sigmoid: NoAttrs;
  tanh: NoAttrs;
  relu: NoAttrs;
  step: NoAttrs;
  erf: NoAttrs;
  leaky_relu: { readonly alpha: number };
  elu: { readonly alpha: number };
  gelu: NoAttrs;
  softplus: NoAttrs;
  silu: NoAttrs;
}

const sigmoid = (x: E.Expr) => E.div(1, E.add(1, E.exp(E.neg(x))));
const positive = (x: E.Expr) => E.gt(x, 0);
const alpha = (g: SampleGen) => ({ alpha: g.int(1, 20) / 10 });

/** 0.5·x·(1 + erf(x/√2)) as ONNX nodes. */
function geluByErf(e: OnnxEmitter, x: string): string {
  const cdf = e.node("Add", [e.floats([1]), e.node("Erf", [e.node("Mul", [x, e.floats([Math.SQRT1_2])])])]);
  return e.node("Mul", [e.node("Mul", [x, e.floats([0.5])]), cdf]);
}

export const activationOps = {
  // Primitive rather than desugared, so its gradient reuses the output: d/dx σ(x) = σ(x)(1 - σ(x)).
  // One exp, no branch: 1/(1+e^-x) saturates to 0 or 1 without NaN.
  sigmoid: unary({
    math: sigmoid,
    grad: (b, n, _x, d) => b.mul(d, b.mul(n.id, b.sub(b.const(1), n.id))),
    domain: "any",
    attrs: none,
    builtin: { summary: "1 / (1 + e^-x), elementwise", attrs: none },
    onnx: onnxOp("Sigmoid"),
  }),
  // d/dx tanh x = 1 - tanh² x
  tanh: unary({
    math: E.tanh,
    grad: (b, n, _x, d) => b.mul(d, b.sub(b.const(1), b.mul(n.id, n.id))),
    domain: "any",
    attrs: none,
    builtin: { summary: "hyperbolic tangent, elementwise", attrs: none },
    onnx: onnxOp("Tanh"),
  }),
  // d/dx relu x = step(x); at 0 we take 0, as the book's Relu layer does (mask = x <= 0).
  relu: unary({
    math: (x) => E.select(positive(x), x, 0),
    grad: (b, _n, x, d) => b.mul(d, b.add("step", [x], {})),
    domain: "awayFromKinks",
    attrs: none,
    side: positive,
    builtin: { summary: "max(x, 0), elementwise", attrs: none },
    onnx: onnxOp("Relu"),
  }),
  // step(x) = 1 if x > 0 else 0: piecewise constant, so no gradient.
  step: unary({
    math: positive,
    grad: () => null,
    domain: "awayFromKinks",
    attrs: none,
    side: positive,
    onnx: { kind: "emit", emit: (e, n) => e.node("Cast", [e.node("Greater", [n.inputs[0]!, e.floats([0])])], { to: int(ONNX_FLOAT) }) },
  }),
  // d/dx erf x = 2/√π e^(-x²)
  erf: unary({
    math: E.erf,
    grad: (b, _n, x, d) => b.mul(d, b.mul(b.const(2 / Math.sqrt(Math.PI)), b.exp(b.neg(b.mul(x, x))))),
    domain: "any",
    attrs: none,
    builtin: { summary: "the error function, elementwise", attrs: none },
    onnx: onnxOp("Erf"),
  }),
  // d/dx = 1 for x > 0, alpha below.
  leaky_relu: unary({
    math: (x, a) => E.select(positive(x), x, E.mul(a.alpha, x)),
    grad: (b, n, x, d) => {
      const s = b.add("step", [x], {});
      return b.mul(d, b.add2(s, b.mul(b.const(n.attrs.alpha), b.sub(b.const(1), s))));
    },
    domain: "awayFromKinks",
    attrs: alpha,
    side: positive,
    builtin: { summary: "x for x > 0, alpha·x below, elementwise", params: [["alpha", 0.01]], attrs: ([a]) => ({ alpha: a! }) },
    onnx: onnxOp("LeakyRelu", (a) => ({ alpha: float(a.alpha) })),
  }),
  // elu x = x for x > 0, alpha·(e^x - 1) below: d/dx = 1 above 0, alpha·e^x below.
  elu: unary({
    math: (x, a) => E.select(positive(x), x, E.mul(a.alpha, E.sub(E.exp(x), 1))),
    grad: (b, n, x, d) => {
      const s = b.add("step", [x], {});
      return b.mul(d, b.add2(s, b.mul(b.sub(b.const(1), s), b.mul(b.const(n.attrs.alpha), b.exp(x)))));
    },
    domain: "awayFromKinks",
    attrs: alpha,
    side: positive,
    builtin: { summary: "x for x > 0, alpha·(e^x - 1) below, elementwise", params: [["alpha", 1]], attrs: ([a]) => ({ alpha: a! }) },
    onnx: onnxOp("Elu", (a) => ({ alpha: float(a.alpha) })),
  }),
  // gelu x = x·Φ(x) = 0.5·x·(1 + erf(x/√2)), exact (not the tanh approximation):
  // d/dx = Φ(x) + x·φ(x), with φ(x) = e^(-x²/2)/√(2π).
  gelu: unary({
    math: (x) => E.mul(E.mul(0.5, x), E.add(1, E.erf(E.mul(x, Math.SQRT1_2)))),
    grad: (b, _n, x, d) => {
      const cdf = b.mul(b.const(0.5), b.add2(b.const(1), b.add("erf", [b.mul(x, b.const(Math.SQRT1_2))], {})));
      const pdf = b.mul(b.const(1 / Math.sqrt(2 * Math.PI)), b.exp(b.mul(b.const(-0.5), b.mul(x, x))));
      return b.mul(d, b.add2(cdf, b.mul(x, pdf)));
    },
    domain: "any",
    attrs: none,
    builtin: { summary: "x·Φ(x) = 0.5·x·(1 + erf(x/√2)), elementwise", attrs: none },
    // Gelu is an ONNX op from opset 20; before, its exact form through Erf.
    onnx: { kind: "emit", emit: (e, n) => (e.opset >= 20 ? e.node("Gelu", n.inputs) : geluByErf(e, n.inputs[0]!)) },
  }),
  // softplus x = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) (no overflow): d/dx = σ(x).
  softplus: unary({
    math: (x) => E.add(E.max(x, 0), E.log1p(E.exp(E.neg(E.abs(x))))),
    grad: (b, _n, x, d) => b.mul(d, b.add("sigmoid", [x], {})),
    domain: "any",
    attrs: none,
    builtin: { summary: "log(1 + e^x), elementwise, stable for large |x|", attrs: none },
    onnx: onnxOp("Softplus"),
  }),
  // silu x = x·σ(x): d/dx = σ(x)·(1 + x·(1 - σ(x))).
  silu: unary({
    math: (x) => E.mul(x, sigmoid(x)),
    grad: (b, _n, x, d) => {
      const s = b.add("sigmoid", [x], {});
      return b.mul(d, b.mul(s, b.add2(b.const(1), b.mul(x, b.sub(b.const(1), s)))));
    },
    domain: "any",
    attrs: none,
    builtin: { summary: "x·σ(x) (swish), elementwise", attrs: none },
    onnx: { kind: "emit", emit: (e, n) => e.node("Mul", [n.inputs[0]!, e.node("Sigmoid", n.inputs)]) },
  }),
} satisfies { [K in keyof ActivationAttrs]: OpDef<K> };
