// What every elementwise op shares: its reference `eval` is its Expr, compiled once per call
// (./expr.ts) and applied to each element with numpy broadcasting; `unary` and `binary` build
// an op's whole definition from its math, gradient rule and test domain.
import type { Builder } from "../builder.js";
import type { NodeId, NodeOf } from "../ir.js";
import { map, zip, type Tensor } from "../tensor.js";
import type { AttrMap, NoAttrs, OpKind } from "./attrs.js";
import { arg, compileExpr, someNode, type Expr } from "./expr.js";
import { broadcastShape } from "./shapes.js";
import type { OnnxForm } from "./onnx.js";
import type { Domain, EvalContext, MapMode, OpDef, SampleGen } from "./types.js";

/** Evaluates `e` over one or two broadcast inputs (or only their shape, when `e` reads none). */
export function applyExpr(e: Expr, inputs: readonly Tensor[], random?: () => number): Tensor {
  const f = compileExpr(e, random);
  const args = [0, 0];
  const [a, b] = inputs;
  if (inputs.length === 1) {
    return map(a!, (x) => {
      args[0] = x;
      return f(args);
    });
  }
  if (inputs.length !== 2) throw new Error(`internal: elementwise ops take 1 or 2 inputs, got ${inputs.length}`);
  return zip(a!, b!, (x, y) => {
    args[0] = x;
    args[1] = y;
    return f(args);
  });
}

/** The reference `eval` of a map op: its Expr, with the op's random stream when it draws. */
export function evalExpr<K extends OpKind>(
  expr: (attrs: AttrMap[K], mode: MapMode) => Expr,
  random?: (attrs: AttrMap[K]) => number,
): (inputs: readonly Tensor[], attrs: AttrMap[K], ctx: EvalContext) => Tensor {
  return (inputs, attrs, ctx) => {
    const e = expr(attrs, ctx);
    const draws = random && someNode(e, (x) => x.kind === "uniform") ? ctx.stream(random(attrs)) : undefined;
    return applyExpr(e, inputs, draws);
  };
}

export function randomShape(g: SampleGen): number[] {
  return Array.from({ length: g.int(0, 3) }, () => g.int(1, 4));
}

/** Two shapes that broadcast: a random shape, and the other with some dims dropped or set to 1. */
export function broadcastPair(g: SampleGen): number[][] {
  const full = randomShape(g);
  const other = full.slice(g.int(0, full.length)).map((d) => (g.bool() ? d : 1));
  return g.bool() ? [full, other] : [other, full];
}

/** A unary elementwise op, from its math; `side` (0/1 per element) marks which side of its kinks x is on. */
export interface UnarySpec<K extends OpKind> {
  readonly math: (x: Expr, attrs: AttrMap[K]) => Expr;
  readonly grad: (b: Builder, node: NodeOf<K>, x: NodeId, d: NodeId) => NodeId | null;
  readonly domain: Domain;
  readonly attrs: (g: SampleGen) => AttrMap[K];
  readonly side?: (x: Expr, attrs: AttrMap[K]) => Expr;
  readonly builtin?: OpDef<K>["builtin"];
  readonly onnx: OnnxForm<K>;
}

export function unary<K extends OpKind>(s: UnarySpec<K>): OpDef<K> {
  const expr = (attrs: AttrMap[K]) => s.math(arg(0), attrs);
  const side = s.side;
  return {
    arity: 1,
    shape: ([x]) => x!,
    kernel: { kind: "map", expr },
    onnx: s.onnx,
    eval: evalExpr(expr),
    grad: (b, node, d) => [s.grad(b, node, node.inputs[0]!, d)],
    domain: [s.domain],
    sample: (g) => ({ shapes: [randomShape(g)], attrs: s.attrs(g) }),
    ...(side && { kinks: (inputs: readonly Tensor[], _out: Tensor, attrs: AttrMap[K]) => applyExpr(side(arg(0), attrs), inputs) }),
    ...(s.builtin && { builtin: s.builtin }),
  };
}

export interface BinarySpec<K extends OpKind> {
  readonly math: (x: Expr, y: Expr) => Expr;
  readonly grad: (b: Builder, node: NodeOf<K>, x: NodeId, y: NodeId, d: NodeId, wants: readonly boolean[]) => (NodeId | null)[];
  readonly domain: readonly [Domain, Domain];
  readonly attrs: (g: SampleGen) => AttrMap[K];
  readonly side?: (x: Expr, y: Expr) => Expr;
  readonly rewrite?: OpDef<K>["rewrite"];
  readonly onnx: OnnxForm<K>;
}

/** A binary elementwise op with numpy broadcasting; gradients come back in the broadcast shape. */
export function binary<K extends OpKind>(s: BinarySpec<K>): OpDef<K> {
  const expr = () => s.math(arg(0), arg(1));
  const side = s.side;
  return {
    arity: 2,
    shape: ([a, b]) => broadcastShape(a!, b!),
    kernel: { kind: "map", expr },
    onnx: s.onnx,
    eval: evalExpr(expr),
    grad: (b, node, d, wants) => s.grad(b, node, node.inputs[0]!, node.inputs[1]!, d, wants),
    domain: s.domain,
    sample: (g) => ({ shapes: broadcastPair(g), attrs: s.attrs(g) }),
    ...(side && { kinks: (inputs: readonly Tensor[]) => applyExpr(side(arg(0), arg(1)), inputs) }),
    ...(s.rewrite && { rewrite: s.rewrite }),
  };
}

/** The attributes of ops that have none. */
export const none = (): NoAttrs => ({});
