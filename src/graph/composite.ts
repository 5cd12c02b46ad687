// Composite functions built from primitives with the Builder. The elaborator desugars the
// language's softmax, log_softmax, mean, mse, ... through these, and gradient rules of fused ops
// use them too, so their derivatives come from the primitives' rules.
import type { Builder } from "./builder.js";
import type { NodeId } from "./ir.js";

/** The last axis of x. */
function lastAxis(b: Builder, x: NodeId): number {
  return b.shape(x).length - 1;
}

/** x - max(x) along the last axis; the max is a constant shift, so no gradient flows through it. */
function shifted(b: Builder, x: NodeId): NodeId {
  const axis = lastAxis(b, x);
  const m = b.stopGradient(b.add("max", [x], { axes: [axis], keepdims: true }));
  return b.sub(x, m);
}

/** softmax along the last axis, shifted by the row max so exp never overflows. */
export function softmax(b: Builder, x: NodeId): NodeId {
  const e = b.exp(shifted(b, x));
  return b.div(e, b.sum(e, [lastAxis(b, x)], true));
}

/** log softmax along the last axis: (x - m) - log Σ exp(x - m). */
export function logSoftmax(b: Builder, x: NodeId): NodeId {
  const s = shifted(b, x);
  return b.sub(s, b.log(b.sum(b.exp(s), [lastAxis(b, x)], true)));
}

/** The number of rows (the batch size) as a scalar node. */
export function rows(b: Builder, x: NodeId): NodeId {
  return b.count(x, [0]);
}

/** The book's cross_entropy_error: -Σ t·log(y + 1e-7) / batch (the 1e-7 keeps log(0) finite). */
export function crossEntropy(b: Builder, y: NodeId, t: NodeId): NodeId {
  const all = b.shape(y).map((_, i) => i);
  const ll = b.sum(b.mul(t, b.log(b.add2(y, b.const(1e-7)))), all);
  return b.neg(b.div(ll, rows(b, y)));
}

/** Mean squared error over every element (PyTorch's `MSELoss`). */
export function mse(b: Builder, y: NodeId, t: NodeId): NodeId {
  const d = b.sub(y, t);
  return b.mean(
    b.mul(d, d),
    b.shape(d).map((_, i) => i),
  );
}

/**
 * The axes batch statistics are taken over: all but the features' axis 1 (per feature of
 * [batch, n], per channel of [batch, C, H, W]); kept as size-1 axes beyond rank 2, so that the
 * statistics broadcast against x.
 */
export function statisticAxes(rank: number): { axes: number[]; keepdims: boolean } {
  return { axes: Array.from({ length: rank }, (_, i) => i).filter((i) => i !== 1), keepdims: rank > 2 };
}

/** The mean and the biased variance of x over the batch (and spatial) axes, as in the book. */
export function batchMoments(b: Builder, x: NodeId): { mean: NodeId; centered: NodeId; variance: NodeId } {
  const { axes, keepdims } = statisticAxes(b.shape(x).length);
  const mean = b.mean(x, axes, keepdims);
  const centered = b.sub(x, mean);
  const variance = b.mean(b.mul(centered, centered), axes, keepdims);
  return { mean, centered, variance };
}
