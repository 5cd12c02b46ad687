// Elementwise ops. Binary ops broadcast like numpy; their gradient rules return gradients of the
// broadcast shape and the autodiff driver sums them back to each input's shape.
import { js, type Code } from "../../codegen/code.js";
import type { Builder } from "../builder.js";
import type { Node, NodeId } from "../ir.js";
import { map, zip } from "../tensor.js";
import type { AttrMap } from "./attrs.js";
import { broadcastShape } from "./shapes.js";
import type { Domain, OpDef, SampleGen } from "./types.js";
import type { VectorEmitter } from "../../codegen/wasm/vector.js";

type UnaryKind = "neg" | "exp" | "log" | "sqrt" | "sigmoid" | "tanh" | "relu" | "step";
type BinaryKind = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "ge";

function randomShape(g: SampleGen): number[] {
  return Array.from({ length: g.int(0, 3) }, () => g.int(1, 4));
}

/** Two shapes that broadcast: a random shape, and the other with some dims dropped or set to 1. */
function broadcastPair(g: SampleGen): number[][] {
  const full = randomShape(g);
  const other = full.slice(g.int(0, full.length)).map((d) => (g.bool() ? d : 1));
  return g.bool() ? [full, other] : [other, full];
}

type Wasm = (v: VectorEmitter, args: readonly number[]) => void;

function unary<K extends UnaryKind>(
  f: (x: number) => number,
  kernel: (x: Code) => Code,
  grad: (b: Builder, node: Node, x: NodeId, d: NodeId) => NodeId | null,
  domain: Domain,
  wasm?: Wasm,
): OpDef<K> {
  return {
    arity: 1,
    shape: ([x]) => x!,
    kernel: { kind: "map", expr: ([x]) => kernel(x!), ...(wasm && { wasm }) },
    eval: ([x]) => map(x!, f),
    grad: (b, node, d) => [grad(b, node, node.inputs[0]!, d)],
    domain: [domain],
    sample: (g) => ({ shapes: [randomShape(g)], attrs: {} as AttrMap[K] }),
  };
}

function binary<K extends BinaryKind>(
  f: (x: number, y: number) => number,
  kernel: (x: Code, y: Code) => Code,
  grad: (b: Builder, node: Node, x: NodeId, y: NodeId, d: NodeId, wants: readonly boolean[]) => (NodeId | null)[],
  domain: [Domain, Domain],
  wasm?: Wasm,
): OpDef<K> {
  return {
    arity: 2,
    shape: ([a, b]) => broadcastShape(a!, b!),
    kernel: { kind: "map", expr: ([x, y]) => kernel(x!, y!), ...(wasm && { wasm }) },
    eval: ([a, b]) => zip(a!, b!, f),
    grad: (b, node, d, wants) => grad(b, node, node.inputs[0]!, node.inputs[1]!, d, wants),
    domain,
    sample: (g) => ({ shapes: broadcastPair(g), attrs: {} as AttrMap[K] }),
  };
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const elementwiseOps = {
  // d(-x) = -d
  neg: unary(
    (x) => -x,
    (x) => js`-${x}`,
    (b, _n, _x, d) => b.neg(d),
    "any",
    (v, [x]) => v.get(x!).f.f32x4Neg(),
  ),
  // d/dx e^x = e^x (the node itself)
  exp: unary(
    Math.exp,
    (x) => js`Math.exp(${x})`,
    (b, n, _x, d) => b.mul(d, n.id),
    "any",
    (v, [x]) => v.get(x!).exp(),
  ),
  // d/dx log x = 1/x
  log: unary(
    Math.log,
    (x) => js`Math.log(${x})`,
    (b, _n, x, d) => b.div(d, x),
    "positive",
  ),
  // d/dx √x = 1 / (2√x)
  sqrt: unary(
    Math.sqrt,
    (x) => js`Math.sqrt(${x})`,
    (b, n, _x, d) => b.div(d, b.mul(b.const(2), n.id)),
    "positive",
    (v, [x]) => v.get(x!).f.f32x4Sqrt(),
  ),
  // Primitive rather than 1/(1+e^-x), for stability when saturated: d/dx σ(x) = σ(x)(1 - σ(x)).
  sigmoid: unary(
    sigmoid,
    // One exp, no branch: 1/(1+e^-x) saturates to 0 or 1 without NaN, within an ulp of `sigmoid`.
    (x) => js`1 / (1 + Math.exp(-${x}))`,
    (b, n, _x, d) => b.mul(d, b.mul(n.id, b.sub(b.const(1), n.id))),
    "any",
    (v, [x]) => {
      v.splat(1).splat(1).get(x!).f.f32x4Neg();
      v.exp().f.f32x4Add().f32x4Div();
    },
  ),
  // d/dx tanh x = 1 - tanh² x
  tanh: unary(
    Math.tanh,
    (x) => js`Math.tanh(${x})`,
    (b, n, _x, d) => b.mul(d, b.sub(b.const(1), b.mul(n.id, n.id))),
    "any",
  ),
  // d/dx relu x = step(x); at 0 we take 0, as the book's Relu layer does (mask = x <= 0).
  // In wasm pmax(0, x) = 0 < x ? x : 0, NaN to 0 as in JS.
  relu: unary(
    (x) => (x > 0 ? x : 0),
    (x) => js`${x} > 0 ? ${x} : 0`,
    (b, _n, x, d) => b.mul(d, b.add("step", [x], {})),
    "awayFromKinks",
    (v, [x]) => v.splat(0).get(x!).f.f32x4Pmax(),
  ),
  // step(x) = 1 if x > 0 else 0: piecewise constant, so no gradient.
  step: unary(
    (x) => (x > 0 ? 1 : 0),
    (x) => js`${x} > 0 ? 1 : 0`,
    () => null,
    "awayFromKinks",
    (v, [x]) => {
      v.get(x!).splat(0).f.f32x4Gt();
      v.splat(1).f.v128And();
    },
  ),

  // d(a+b) = (d, d)
  add: binary(
    (x, y) => x + y,
    (x, y) => js`${x} + ${y}`,
    (_b, _n, _x, _y, d) => [d, d],
    ["any", "any"],
    (v, [x, y]) => v.get(x!).get(y!).f.f32x4Add(),
  ),
  // d(a-b) = (d, -d)
  sub: binary(
    (x, y) => x - y,
    (x, y) => js`${x} - ${y}`,
    (b, _n, _x, _y, d) => [d, b.neg(d)],
    ["any", "any"],
    (v, [x, y]) => v.get(x!).get(y!).f.f32x4Sub(),
  ),
  // d(ab) = (d·b, d·a)
  mul: binary(
    (x, y) => x * y,
    (x, y) => js`${x} * ${y}`,
    (b, _n, x, y, d) => [b.mul(d, y), b.mul(d, x)],
    ["any", "any"],
    (v, [x, y]) => v.get(x!).get(y!).f.f32x4Mul(),
  ),
  // d(a/b) = (d/b, -d·(a/b)/b)
  div: binary(
    (x, y) => x / y,
    (x, y) => js`${x} / ${y}`,
    (b, n, _x, y, d, wants) => [b.div(d, y), wants[1] ? b.neg(b.div(b.mul(d, n.id), y)) : null],
    ["any", "nonzero"],
    (v, [x, y]) => v.get(x!).get(y!).f.f32x4Div(),
  ),
  // d(a^b) = (d·b·a^(b-1), d·a^b·log a)
  pow: binary(
    Math.pow,
    (x, y) => js`Math.pow(${x}, ${y})`,
    (b, n, x, y, d, wants) => [
      wants[0] ? b.mul(d, b.mul(y, b.pow(x, b.sub(y, b.const(1))))) : null,
      wants[1] ? b.mul(d, b.mul(n.id, b.log(x))) : null,
    ],
    ["positive", "any"],
  ),
  // d max(a, b) goes to the larger input; ties go to a.
  maximum: binary(
    Math.max,
    (x, y) => js`Math.max(${x}, ${y})`,
    (b, _n, x, y, d) => {
      const m = b.ge(x, y);
      return [b.mul(d, m), b.mul(d, b.sub(b.const(1), m))];
    },
    ["awayFromKinks", "awayFromKinks"],
    // max propagates NaN and orders -0 below +0, as Math.max does.
    (v, [x, y]) => v.get(x!).get(y!).f.f32x4Max(),
  ),
  // a >= b as 1 or 0: piecewise constant, so no gradient.
  ge: binary(
    (x, y) => (x >= y ? 1 : 0),
    (x, y) => js`${x} >= ${y} ? 1 : 0`,
    () => [null, null],
    ["awayFromKinks", "awayFromKinks"],
    (v, [x, y]) => {
      v.get(x!).get(y!).f.f32x4Ge();
      v.splat(1).f.v128And();
    },
  ),
} satisfies { [K in UnaryKind | BinaryKind]: OpDef<K> };
