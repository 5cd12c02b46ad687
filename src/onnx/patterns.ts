// Subgraphs the exporter writes as one standard ONNX op: the elaborator desugars softmax and
// log_softmax into primitives (composite.ts), a dense layer is a matmul and an add (a conv
// layer a conv2d and an add), and dropout
// in inference is a multiply by 1 - ratio. Each pattern maps its root node to the nodes it reads
// and how it is written; the nodes inside are then not exported unless read elsewhere.
import { node, sameShape, type Graph, type Node, type NodeId } from "../graph/ir.js";
import { int, windowAttrs, type OnnxEmitter } from "../graph/ops/onnx.js";

export interface Fused {
  /** The nnc nodes whose values the fused op reads, in its input order. */
  readonly inputs: readonly NodeId[];
  readonly emit: (e: OnnxEmitter, inputs: readonly string[]) => string;
}

const lastAxis = (n: Node) => n.shape.length - 1;

/** max(x) along the last axis, kept, behind a stop_gradient: composite.ts's shift. */
function shiftOf(g: Graph, id: NodeId): NodeId | undefined {
  const sg = node(g, id);
  if (sg.op !== "stop_gradient") return undefined;
  const m = node(g, sg.inputs[0]!);
  if (m.op !== "max" || !m.attrs.keepdims || m.attrs.axes.join() !== String(lastAxis(m))) return undefined;
  return m.inputs[0];
}

/** x - max(x): the shifted logits; returns x. */
function shiftedInput(g: Graph, id: NodeId): NodeId | undefined {
  const s = node(g, id);
  if (s.op !== "sub") return undefined;
  const x = shiftOf(g, s.inputs[1]!);
  return x === s.inputs[0] ? x : undefined;
}

/** sum(v) along the last axis, kept; returns v. */
function rowSumOf(g: Graph, id: NodeId): NodeId | undefined {
  const s = node(g, id);
  return s.op === "sum" && s.attrs.keepdims && s.attrs.axes.join() === String(lastAxis(s)) ? s.inputs[0] : undefined;
}

/** exp(x - max x) / Σ exp(x - max x) -> Softmax(x, axis = -1). */
function softmax(g: Graph, n: Node): Fused | undefined {
  if (n.op !== "div") return undefined;
  const [e, s] = n.inputs;
  const exp = node(g, e!);
  if (exp.op !== "exp" || rowSumOf(g, s!) !== e) return undefined;
  const x = shiftedInput(g, exp.inputs[0]!);
  return x === undefined ? undefined : { inputs: [x], emit: (em, [v]) => em.node("Softmax", [v!], { axis: int(-1) }) };
}

/** (x - max x) - log Σ exp(x - max x) -> LogSoftmax(x, axis = -1). */
function logSoftmax(g: Graph, n: Node): Fused | undefined {
  if (n.op !== "sub") return undefined;
  const [s, l] = n.inputs;
  const x = shiftedInput(g, s!);
  const log = node(g, l!);
  if (x === undefined || log.op !== "log") return undefined;
  const summed = rowSumOf(g, log.inputs[0]!);
  if (summed === undefined) return undefined;
  const exp = node(g, summed);
  if (exp.op !== "exp" || exp.inputs[0] !== s) return undefined;
  return { inputs: [x], emit: (em, [v]) => em.node("LogSoftmax", [v!], { axis: int(-1) }) };
}

/** matmul(a, b) + c, c no larger than the product -> Gemm(a, b, c). */
function gemm(g: Graph, n: Node, uses: ReadonlyMap<NodeId, number>): Fused | undefined {
  if (n.op !== "add") return undefined;
  for (const [m, c] of [n.inputs, [...n.inputs].reverse()]) {
    const mm = node(g, m!);
    if (mm.op !== "matmul" || uses.get(mm.id) !== 1 || !sameShape(mm.shape, n.shape)) continue;
    const { transA, transB } = mm.attrs;
    return {
      inputs: [mm.inputs[0]!, mm.inputs[1]!, c!],
      emit: (em, xs) => em.node("Gemm", xs, { transA: int(+transA), transB: int(+transB) }),
    };
  }
  return undefined;
}

/** conv2d(x, W) + b with b of shape [F, 1, 1] (a bias per filter) -> Conv(x, W, B) with B as [F]. */
function convBias(g: Graph, n: Node, uses: ReadonlyMap<NodeId, number>): Fused | undefined {
  if (n.op !== "add") return undefined;
  for (const [c, b] of [n.inputs, [...n.inputs].reverse()]) {
    const conv = node(g, c!);
    const bias = node(g, b!).shape;
    if (conv.op !== "conv2d" || uses.get(conv.id) !== 1 || !sameShape(conv.shape, n.shape)) continue;
    const filters = conv.shape[1];
    if (bias.length !== 3 || bias[0] !== filters || bias[1] !== 1 || bias[2] !== 1) continue;
    const { stride, pad } = conv.attrs;
    return {
      inputs: [conv.inputs[0]!, conv.inputs[1]!, b!],
      emit: (em, [x, W, B]) =>
        em.node("Conv", [x!, W!, em.node("Reshape", [B!, em.ints([Number(filters)])])], windowAttrs({ stride, pad })),
    };
  }
  return undefined;
}

/** x · dropout_mask(x) in inference: x · (1 - ratio), or x itself when nothing is dropped. */
function dropout(g: Graph, n: Node): Fused | undefined {
  if (n.op !== "mul") return undefined;
  for (const [x, m] of [n.inputs, [...n.inputs].reverse()]) {
    const mask = node(g, m!);
    if (mask.op !== "dropout_mask" || !sameShape(mask.shape, n.shape)) continue;
    const keep = 1 - mask.attrs.ratio;
    return { inputs: [x!], emit: (em, [v]) => (keep === 1 ? v! : em.node("Mul", [v!, em.floats([keep])])) };
  }
  return undefined;
}

/** How many nodes read each node (a graph output counts as a reader). */
function useCounts(g: Graph): Map<NodeId, number> {
  const uses = new Map<NodeId, number>();
  const bump = (id: NodeId) => uses.set(id, (uses.get(id) ?? 0) + 1);
  for (const n of g.nodes) n.inputs.forEach(bump);
  for (const o of g.outputs) bump(o.node);
  return uses;
}

/** The fused forms of the graph's nodes, by root node. */
export function recognise(g: Graph): Map<NodeId, Fused> {
  const uses = useCounts(g);
  const fused = new Map<NodeId, Fused>();
  for (const n of g.nodes) {
    const f = softmax(g, n) ?? logSoftmax(g, n) ?? gemm(g, n, uses) ?? convBias(g, n, uses) ?? dropout(g, n);
    if (f) fused.set(n.id, f);
  }
  return fused;
}
