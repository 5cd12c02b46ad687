// The op table: every primitive op of the IR, one definition each. Its type requires an entry
// for every OpKind, so an op without a shape rule, gradient or test domain does not compile.
import type { Builder } from "../builder.js";
import type { NodeId, NodeOf, Shape } from "../ir.js";
import type { Tensor } from "../tensor.js";
import { activationOps } from "./activations.js";
import { convOps } from "./conv.js";
import type { OpKind } from "./attrs.js";
import { elementwiseOps } from "./elementwise.js";
import { layoutOps } from "./layout.js";
import { leafOps } from "./leaf.js";
import { linalgOps } from "./linalg.js";
import { nnOps } from "./nn.js";
import { poolOps } from "./pool.js";
import { reduceOps } from "./reduce.js";
import type { Expr } from "./expr.js";
import type { EvalContext, MapMode, OpDef, OpTable } from "./types.js";

export const OPS: OpTable = {
  ...leafOps,
  ...elementwiseOps,
  ...activationOps,
  ...reduceOps,
  ...layoutOps,
  ...linalgOps,
  ...nnOps,
  ...convOps,
  ...poolOps,
};

export const OP_KINDS = Object.keys(OPS) as OpKind[];

export type { OpKind } from "./attrs.js";
export type { OpDef, Domain, EvalContext } from "./types.js";

// One dispatch: each accessor takes a node of any op and reaches its definition with the node's
// own attribute type (the correlated union of ir.ts), so no caller casts.

/** The definition of the node's op. */
export function opOf<K extends OpKind>(n: NodeOf<K>): OpDef<K> {
  return OPS[n.op];
}

/** The op's reference implementation applied to the node. */
export function evalOp<K extends OpKind>(n: NodeOf<K>, inputs: readonly Tensor[], ctx: EvalContext): Tensor {
  return opOf(n).eval(inputs, n.attrs, ctx);
}

/** The node's shape rule applied to input shapes. */
export function shapeOf<K extends OpKind>(n: NodeOf<K>, inputs: readonly Shape[]): Shape {
  return opOf(n).shape(inputs, n.attrs);
}

/** The node's vector-Jacobian product (OpDef.grad). */
export function gradOf<K extends OpKind>(b: Builder, n: NodeOf<K>, dOut: NodeId, wants: readonly boolean[]): readonly (NodeId | null)[] {
  return opOf(n).grad(b, n, dOut, wants);
}

/** For a node that draws random numbers: its stream's `seq`. */
export function randomSeq<K extends OpKind>(n: NodeOf<K>): number | undefined {
  return opOf(n).random?.(n.attrs);
}

/** For an elementwise node: its math in the given mode. */
export function mapExpr<K extends OpKind>(n: NodeOf<K>, mode: MapMode): Expr {
  const k = opOf(n).kernel;
  if (k.kind !== "map") throw new Error(`internal: ${n.op} is not elementwise`);
  return k.expr(n.attrs, mode);
}

/** For an elementwise node that reads its input through an axis permutation: the permutation. */
export function permutation<K extends OpKind>(n: NodeOf<K>): readonly number[] | undefined {
  const k = opOf(n).kernel;
  return k.kind === "map" ? k.permute?.(n.attrs) : undefined;
}

/** For a reduction node: the axes it folds. */
export function reductionAxes<K extends OpKind>(n: NodeOf<K>): readonly number[] {
  const k = opOf(n).kernel;
  if (k.kind !== "reduce") throw new Error(`internal: ${n.op} is not a reduction`);
  return k.axes(n.attrs);
}

/** For a node with kinks: which side of them each element is on (OpDef.kinks). */
export function kinkSides<K extends OpKind>(n: NodeOf<K>, inputs: readonly Tensor[], output: Tensor): Tensor | undefined {
  return opOf(n).kinks?.(inputs, output, n.attrs);
}

/** A simpler node computing the same as `n` over the new graph's `inputs` (OpDef.rewrite). */
export function rewriteOf<K extends OpKind>(b: Builder, n: NodeOf<K>, inputs: readonly NodeId[], onlyUse: boolean): NodeId | undefined {
  return opOf(n).rewrite?.(b, inputs, n.attrs, onlyUse);
}

/** Rebuilds `n` over new inputs with the builder (same op and attributes). */
export function rebuild<K extends OpKind>(b: Builder, n: NodeOf<K>, inputs: readonly NodeId[]): NodeId {
  return b.add(n.op, inputs, n.attrs);
}
