// A warning for the PyTorch habit: `cross_entropy(h @ W + b, t)` on raw scores. The book's
// cross_entropy takes probabilities (a softmax or sigmoid output); on scores the log of a negative
// number is NaN at the first step. An interval analysis bounds each value the loss reads; when
// cross_entropy's input is not bounded to [0, 1], check says so and names softmax_cross_entropy.
import { warning, type Diagnostic } from "../diagnostics.js";
import type { Graph, Node, NodeId } from "./ir.js";

type Range = readonly [number, number];
const ANY: Range = [-Infinity, Infinity];
const UNIT: Range = [0, 1];

/** The constant a node holds, looking through broadcasts. */
function constOf(g: Graph, id: NodeId): number | undefined {
  const n = g.nodes[id]!;
  if (n.op === "broadcast") return constOf(g, n.inputs[0]!);
  return n.op === "const" ? (n.attrs as { value: number }).value : undefined;
}

/** Bounds of every value a node can take (conservative: ANY when not known). */
function rangeOf(g: Graph, id: NodeId, memo: Map<NodeId, Range>): Range {
  const known = memo.get(id);
  if (known) return known;
  memo.set(id, ANY); // cycles cannot occur, but a bound on recursion keeps this total
  const n: Node = g.nodes[id]!;
  const r = (i: number) => rangeOf(g, n.inputs[i]!, memo);
  let out: Range = ANY;
  switch (n.op) {
    case "const": {
      const v = (n.attrs as { value: number }).value;
      out = [v, v];
      break;
    }
    case "sigmoid":
      out = UNIT;
      break;
    case "exp":
    case "relu":
      out = [0, Infinity];
      break;
    case "broadcast":
    case "reshape":
    case "transpose":
      out = r(0);
      break;
    case "maximum": {
      const [a, b] = [r(0), r(1)];
      out = [Math.max(a[0], b[0]), Math.max(a[1], b[1])];
      break;
    }
    case "mul": {
      const [a, b] = [r(0), r(1)];
      if (a[0] >= 0 && b[0] >= 0 && a[1] <= 1 && b[1] <= 1) out = UNIT;
      break;
    }
    case "div": {
      // softmax: e / Σe with e >= 0, summed along an axis of e itself.
      const den = g.nodes[n.inputs[1]!]!;
      if (den.op === "sum" && den.inputs[0] === n.inputs[0] && r(0)[0] >= 0) out = UNIT;
      break;
    }
  }
  memo.set(id, out);
  return out;
}

/** Warnings for each cross_entropy (log(y + 1e-7), the book's form) whose y is not a probability. */
export function probabilityWarnings(g: Graph): Diagnostic[] {
  const out: Diagnostic[] = [];
  const memo = new Map<NodeId, Range>();
  for (const n of g.nodes) {
    if (n.op !== "log") continue;
    const inner = g.nodes[n.inputs[0]!]!;
    if (inner.op !== "add" || constOf(g, inner.inputs[1]!) !== 1e-7) continue;
    const [lo, hi] = rangeOf(g, inner.inputs[0]!, memo);
    if (lo >= 0 && hi <= 1) continue;
    out.push(
      warning(
        "cross_entropy expects probabilities (a softmax or sigmoid output), but its input is not one; on raw scores the loss is NaN or wrong. " +
          "Pass the scores to softmax_cross_entropy(logits, t), which applies the softmax itself, or write cross_entropy(softmax(scores), t)",
        n.span,
      ),
    );
  }
  return out;
}
