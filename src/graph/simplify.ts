// simplify: algebraic clean-up as a pure pass Graph -> Graph, run before lowering.
//   1. Rebuilds the graph node by node with the Builder, which shares identical nodes (common
//      subexpressions) and folds x·1, x+0; only nodes the results need are kept (dead-node
//      elimination), leaves always are (every param keeps its place and its gradient).
//   2. Rewrites, each exact or within an ulp:
//      - elementwise ops of constants are folded with the op's own reference `eval`;
//      - pow(x, 2) -> x·x (a multiply, not a library call), pow(x, 1) -> x;
//      - a 2-D transpose feeding a matmul becomes the matmul's transA/transB flag (read in place),
//        and the transpose of a matmul read nowhere else is the swapped product: (AB)ᵀ = BᵀAᵀ.
//   3. Runs twice, so what the rewrites leave unused is dropped too.
// Guarantees: the same specs (names, shapes, inits) and the same values for every result.
import { Builder, finishGraph } from "./builder.js";
import type { Graph, Named, NodeId } from "./ir.js";
import type { AttrMap } from "./ops/attrs.js";
import { OPS } from "./ops/index.js";
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
      map.set(n.id, b.leaf(n.op as "input", n.attrs as AttrMap["input"], n.shape));
      continue;
    }
    const inputs = n.inputs.map((i) => map.get(i)!);
    const onlyUse = n.inputs.length === 1 && uses[n.inputs[0]!] === 1;
    map.set(n.id, rewrite(b, n.op, inputs, n.attrs, onlyUse) ?? b.add(n.op, inputs, n.attrs as never));
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

/** A simpler node computing the same value, or undefined to keep the op as it is. */
function rewrite(b: Builder, op: string, inputs: readonly NodeId[], attrs: object, onlyUse: boolean): NodeId | undefined {
  const constant = (id: NodeId) => b.constValue(id);
  const def = OPS[op as "add"];
  const foldable =
    def.kernel.kind === "map" && op !== "dropout_mask" && inputs.length > 0 && inputs.every((i) => constant(i) !== undefined);
  if (
    foldable &&
    def.shape(
      inputs.map((i) => b.shape(i)),
      attrs as never,
    ).length === 0
  ) {
    const ctx = { training: false, stream: () => () => 0, dims: new Map<string, number>(), feed: () => scalar(0) };
    return b.const(
      def.eval(
        inputs.map((i) => scalar(constant(i)!)),
        attrs as never,
        ctx,
      ).data[0]!,
    );
  }
  if (op === "pow" && constant(inputs[1]!) === 2) return b.mul(inputs[0]!, inputs[0]!);
  if (op === "pow" && constant(inputs[1]!) === 1) return inputs[0]!;
  if (op === "transpose" && onlyUse && (attrs as AttrMap["transpose"]).perm.join() === "1,0" && b.node(inputs[0]!).op === "matmul") {
    const m = b.node(inputs[0]!);
    const { transA, transB } = m.attrs as AttrMap["matmul"];
    return b.matmul(m.inputs[1]!, m.inputs[0]!, !transB, !transA);
  }
  if (op === "matmul") {
    let [a, c] = inputs as [NodeId, NodeId];
    let { transA, transB } = attrs as AttrMap["matmul"];
    const swapped = (id: NodeId) => {
      const n = b.node(id);
      return n.op === "transpose" && (n.attrs as AttrMap["transpose"]).perm.join() === "1,0" ? n.inputs[0]! : undefined;
    };
    const ta = swapped(a);
    const tb = swapped(c);
    if (ta === undefined && tb === undefined) return undefined;
    if (ta !== undefined) [a, transA] = [ta, !transA];
    if (tb !== undefined) [c, transB] = [tb, !transB];
    return b.matmul(a, c, transA, transB);
  }
  return undefined;
}
