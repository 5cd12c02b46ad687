// Floating-point operations of one training step, counted on the graph: forward (the loss and
// outputs), backward (the autodiff graph's nodes beyond the forward ones, after simplification,
// as the compiled module computes them) and the optimizer's update. A matmul is 2·m·k·n, a
// convolution 2 per tap of each output, pooling 1 per tap, a reduction one per input element,
// any other computing node one per output element; layout
// nodes (reshape, transpose, broadcast) and leaves are free. The count is the model's, not any
// one backend's: bench/README.md counts the same way by hand.
import { differentiate } from "../graph/autodiff.js";
import { dependencies, type Graph, type Node } from "../graph/ir.js";
import { simplify } from "../graph/simplify.js";

const FREE = new Set(["input", "param", "state", "const", "reshape", "transpose", "broadcast", "stop_gradient", "onehot"]);

/** FLOPs per param element of each built-in optimizer's update (bench/README.md: SGD 2, Adam 12). */
export const UPDATE_FLOPS: Readonly<Record<string, number>> = {
  sgd: 2,
  momentum: 4,
  nesterov: 5,
  adagrad: 6,
  rmsprop: 7,
  adam: 12,
  adamw: 14,
};

const numel = (shape: readonly (number | string)[], batch: number) =>
  shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : batch), 1);

function nodeFlops(g: Graph, n: Node, batch: number): number {
  if (FREE.has(n.op)) return 0;
  const input = (i: number) => g.nodes[n.inputs[i]!]!;
  if (n.op === "matmul") {
    const a = input(0).shape;
    const transA = (n.attrs as { transA: boolean }).transA;
    const k = a[transA ? a.length - 2 : a.length - 1]!;
    return 2 * numel(n.shape, batch) * (typeof k === "number" ? k : batch);
  }
  // A convolution and its adjoints: 2 flops per tap of each output position of each filter.
  if (n.op === "conv2d" || n.op === "conv2d_backward_input" || n.op === "conv2d_backward_filter") {
    const [W, perPosition] = n.op === "conv2d" ? [input(1), n] : n.op === "conv2d_backward_input" ? [input(1), input(0)] : [n, input(1)];
    return 2 * numel(perPosition.shape, batch) * (numel(W.shape, batch) / numel(W.shape.slice(0, 1), batch));
  }
  if (n.op === "max_pool" || n.op === "avg_pool") return numel(n.shape, batch) * n.attrs.size * n.attrs.size;
  if (n.op === "sum" || n.op === "max" || n.op === "softmax_xent") return numel(input(0).shape, batch) * (n.op === "softmax_xent" ? 5 : 1);
  return numel(n.shape, batch);
}

export interface StepFlops {
  readonly forward: number;
  readonly backward: number;
  readonly update: number;
  readonly total: number;
}

export function stepFlops(g: Graph, batch: number, optimizer: string): StepFlops {
  const count = (graph: Graph, roots: readonly number[]) =>
    dependencies(graph, roots).reduce((s, id) => s + nodeFlops(graph, graph.nodes[id]!, batch), 0);
  const roots = (graph: Graph) => [...graph.outputs.map((o) => o.node), ...(graph.loss !== undefined ? [graph.loss] : [])];
  const forward = count(simplify(g), roots(simplify(g)));
  let backward = 0;
  if (g.loss !== undefined && g.params.length > 0) {
    const d = simplify(differentiate(g));
    backward = Math.max(0, count(d, [...roots(d), ...d.grads.map((x) => x.node)]) - forward);
  }
  const params = g.params.reduce((s, p) => s + numel(p.shape, batch), 0);
  const update = g.loss !== undefined ? params * (UPDATE_FLOPS[optimizer] ?? 2) : 0;
  return { forward, backward, update, total: forward + backward + update };
}
