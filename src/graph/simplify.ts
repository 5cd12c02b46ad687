// simplify: algebraic clean-up as a pure pass Graph -> Graph, run before lowering.
//   1. Rebuilds the graph node by node with the Builder, which shares identical nodes (common
//      subexpressions) and folds x·1, x+0; only nodes the results need are kept (dead-node
//      elimination), leaves always are (every param keeps its place and its gradient).
//   2. Rewrites, each exact or within an ulp: elementwise ops of constants are folded with the
//      op's own reference `eval` (random ops excepted), then each op's own `rewrite` rule runs
//      (OpDef.rewrite: pow(x, 2) -> x·x, transposes folded into matmul flags, ...).
//   3. Runs twice, so what the rewrites leave unused is dropped too.
// Guarantees: the same specs (names, shapes, inits) and the same values for every result.
import { Builder, finishGraph } from "./builder.js";
import type { Graph, Named, NodeId } from "./ir.js";
import { evalOp, opOf, randomSeq, rebuild, rewriteOf, shapeOf } from "./ops/index.js";
import type { Node } from "./ir.js";
import { scalar } from "./tensor.js";

export function simplify(g: Graph): Graph {
  return pass(pass(g));
}

function pass(g: Graph): Graph {
  const roots = [
    ...g.outputs.map((o) => o.node),
    ...(g.loss !== undefined ? [g.loss] : []),
    ...g.grads.map((x) => x.node),
    ...g.states.map((s) => s.update),
  ];
  const live = new Uint8Array(g.nodes.length);
  for (const r of roots) live[r] = 1;
  for (let id = g.nodes.length - 1; id >= 0; id--) {
    const n = g.nodes[id]!;
    if (live[id] || n.op === "input" || n.op === "param" || n.op === "state") for (const i of n.inputs) live[i] = 1;
  }

  const uses = new Uint32Array(g.nodes.length);
  for (const n of g.nodes) if (live[n.id]) for (const i of n.inputs) uses[i]!++;
  const b = new Builder();
  const map = new Map<NodeId, NodeId>();
  for (const n of g.nodes) {
    const leaf = n.op === "input" || n.op === "param" || n.op === "state";
    if (!leaf && !live[n.id]) continue;
    const gradOf = n.gradOf !== undefined ? map.get(n.gradOf) : undefined;
    b.at = { ...(n.span && { span: n.span }), ...(n.label !== undefined && { label: n.label }), ...(gradOf !== undefined && { gradOf }) };
    if (leaf) {
      map.set(n.id, b.leaf(n.op, n.attrs, n.shape));
      continue;
    }
    const inputs = n.inputs.map((i) => map.get(i)!);
    const onlyUse = n.inputs.length === 1 && uses[n.inputs[0]!] === 1;
    map.set(n.id, fold(b, n, inputs) ?? rewriteOf(b, n, inputs, onlyUse) ?? rebuild(b, n, inputs));
  }
  const at = (id: NodeId) => map.get(id)!;
  const named = (list: readonly Named[]) => list.map((x) => ({ ...x, node: at(x.node) }));
  return finishGraph({
    ...g,
    nodes: b.nodes,
    inputs: g.inputs.map((i) => ({ ...i, node: at(i.node) })),
    params: g.params.map((p) => ({ ...p, node: at(p.node) })),
    states: g.states.map((s) => ({ ...s, node: at(s.node), update: at(s.update) })),
    outputs: named(g.outputs),
    ...(g.loss !== undefined && { loss: at(g.loss) }),
    grads: named(g.grads),
  });
}

/** An elementwise op of scalar constants, as a constant (computed by the op's own `eval`). */
function fold(b: Builder, n: Node, inputs: readonly NodeId[]): NodeId | undefined {
  const values = inputs.map((i) => b.constValue(i));
  if (opOf(n).kernel.kind !== "map" || randomSeq(n) !== undefined || inputs.length === 0) return undefined;
  if (!values.every((v) => v !== undefined)) return undefined;
  if (
    shapeOf(
      n,
      inputs.map((i) => b.shape(i)),
    ).length !== 0
  )
    return undefined;
  const ctx = { training: false, stream: () => () => 0, dims: new Map<string, number>(), feed: () => scalar(0) };
  return b.const(evalOp(n, values.map(scalar), ctx).data[0]!);
}
