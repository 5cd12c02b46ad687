// Reverse-mode automatic differentiation as a pure pass Graph -> Graph.
//
// The result is the same graph with backward nodes appended (built with the same Builder, so
// they are shape-checked too) and `grads` naming the gradient node of each requested param.
// This driver alone owns the bookkeeping; op rules only compute vector-Jacobian products:
//   1. find the nodes that lie on a path from a requested leaf to the differentiated node,
//   2. walk them in reverse topological order, summing each node's incoming gradients (fan-in),
//   3. ask the op's rule for its inputs' gradients and sum each back to its input's shape
//      (un-broadcasting), so no rule has to.
// Backward nodes are ordinary primitives, so the result can be differentiated again.
import { Builder, finishGraph } from "./builder.js";
import type { Graph, NodeId, Shape } from "./ir.js";
import { gradOf } from "./ops/index.js";

export interface DiffOptions {
  /** What to differentiate: a scalar node. Default: the graph's loss. */
  readonly of?: NodeId;
  /** With respect to what: param names or node ids. Default: every param. */
  readonly wrt?: readonly (string | NodeId)[];
}

export function differentiate(g: Graph, options: DiffOptions = {}): Graph {
  const of = options.of ?? g.loss;
  if (of === undefined) throw new Error(`model '${g.model}' has no loss to differentiate`);
  if (g.nodes[of]!.shape.length !== 0) throw new Error(`can only differentiate a scalar; node ${of} has shape [${g.nodes[of]!.shape}]`);
  const targets = (options.wrt ?? g.params.map((p) => p.name)).map((w) => resolveTarget(g, w));

  // S1: nodes that need a gradient: downstream of a target and upstream of `of`.
  const downstream = new Uint8Array(g.nodes.length);
  for (const t of targets) downstream[t.node] = 1;
  for (const n of g.nodes) if (n.inputs.some((i) => downstream[i])) downstream[n.id] = 1;
  const upstream = new Uint8Array(g.nodes.length);
  upstream[of] = 1;
  for (let id = of; id >= 0; id--) if (upstream[id]) for (const i of g.nodes[id]!.inputs) upstream[i] = 1;
  const needs = (id: NodeId) => downstream[id] === 1 && upstream[id] === 1;

  // S2: walk backwards, accumulating contributions.
  const b = new Builder(g.nodes);
  const contributions = new Map<NodeId, NodeId[]>();
  const push = (id: NodeId, grad: NodeId) => contributions.set(id, [...(contributions.get(id) ?? []), grad]);
  b.at = { gradOf: of };
  push(of, b.const(1));
  const adjoint = new Map<NodeId, NodeId>();
  for (let id = of; id >= 0; id--) {
    const parts = contributions.get(id);
    if (!parts || !needs(id)) continue;
    const node = g.nodes[id]!;
    b.at = { ...(node.span && { span: node.span }), ...(node.label !== undefined && { label: `∂${node.label}` }), gradOf: id };
    const dOut = parts.reduce((acc, p) => b.add2(acc, p));
    adjoint.set(id, dOut);
    const wants = node.inputs.map(needs);
    if (!wants.some(Boolean)) continue;
    // S3: the op's vector-Jacobian product, summed back to each input's shape.
    const grads = gradOf(b, node, dOut, wants);
    node.inputs.forEach((input, i) => {
      const gi = grads[i];
      if (wants[i] && gi !== null && gi !== undefined) push(input, unbroadcast(b, gi, g.nodes[input]!.shape));
    });
  }

  // A target the loss does not depend on has a zero gradient.
  const grads = targets.map((t) => {
    const d = adjoint.get(t.node);
    b.at = { gradOf: t.node };
    return { name: t.name, node: d ?? b.broadcast(b.const(0), g.nodes[t.node]!.shape) };
  });
  return finishGraph({ ...g, nodes: b.nodes, grads: [...g.grads.filter((x) => !grads.some((y) => y.name === x.name)), ...grads] });
}

function resolveTarget(g: Graph, w: string | NodeId): { name: string; node: NodeId } {
  if (typeof w === "number") {
    if (!g.nodes[w]) throw new Error(`no node ${w}`);
    return { name: `#${w}`, node: w };
  }
  const p = g.params.find((q) => q.name === w) ?? g.inputs.find((q) => q.name === w);
  if (!p) throw new Error(`no param or input named '${w}'`);
  return { name: w, node: p.node };
}

/** Sums a gradient of a broadcast shape back to `target`: over leading axes and stretched 1s. */
export function unbroadcast(b: Builder, grad: NodeId, target: Shape): NodeId {
  const shape = b.shape(grad);
  const lead = shape.length - target.length;
  const axes: number[] = [];
  shape.forEach((d, i) => {
    if (i < lead || (target[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  return b.reshape(b.sum(grad, axes), target);
}
