// The functions a .nn file can call: activations, losses, reductions, layout, dropout, batch
// norm and initializers. Each desugars into IR primitives (ops/) through the Builder.
import { fail, type Span } from "../diagnostics.js";
import type { Builder } from "./builder.js";
import { CONV_BUILTINS } from "./builtins-conv.js";
import { batchMoments, crossEntropy, logSoftmax, mse, softmax } from "./composite.js";
import { showShape, type Dim, type NodeId } from "./ir.js";
import { OP_KINDS, OPS, type OpKind } from "./ops/index.js";
import { describeKind, num, tensorValue, type InitValue, type Value } from "./values.js";

export type ArgKind = "tensor" | "num" | "axes" | "shape";

export interface BuiltinParam {
  readonly name: string;
  readonly kind: ArgKind;
  readonly default?: Value;
  /** How an absent default reads in docs and completion when it is no value (`stride = size`). */
  readonly shownDefault?: string;
}

/** What a builtin may ask of the elaborator while it builds. */
export interface CallContext {
  readonly b: Builder;
  readonly span: Span;
  /** The instance path for builtins that own params (batchnorm): `layers.3.bn`. */
  instance(): string;
  param(name: string, shape: readonly number[], init: InitValue): NodeId;
  state(name: string, shape: readonly number[], init: InitValue, update: (b: Builder, current: NodeId) => NodeId): NodeId;
  /** A fresh number for each random op, so that two dropouts never share a mask. */
  seq(): number;
  /** softmax outputs -> their logits, so `cross_entropy(softmax(a), t)` can be fused. */
  readonly softmaxOf: Map<NodeId, NodeId>;
  /** A class target in the form a loss needs: one-hot rows of `classes` columns. */
  asOneHot(t: NodeId, classes: Dim): NodeId;
}

export interface Builtin {
  readonly params: readonly BuiltinParam[];
  /** Builtins that own params (batchnorm) are named like block instances. */
  readonly ownsParams?: boolean;
  readonly summary: string;
  readonly call: (c: CallContext, args: readonly Value[]) => Value;
}

const X: BuiltinParam = { name: "x", kind: "tensor" };

function t(v: Value): NodeId {
  if (v.kind !== "tensor") throw new Error(`internal: expected a tensor, got ${describeKind(v.kind)}`);
  return v.id;
}

function n(v: Value): number {
  if (v.kind !== "num") throw new Error(`internal: expected a number, got ${describeKind(v.kind)}`);
  return v.value;
}

/** The builtin an op declares beside its definition (OpDef.builtin): `op(x, p1 = d1, ...)`. */
function opBuiltin<K extends OpKind>(op: K): [string, Builtin][] {
  const spec = OPS[op].builtin;
  if (!spec) return [];
  const params = (spec.params ?? []).map(([name, d]): BuiltinParam => ({ name, kind: "num", default: num(d) }));
  const call = (c: CallContext, [x, ...rest]: readonly Value[]) => tensorValue(c.b.add(op, [t(x!)], spec.attrs(rest.map(n))));
  return [[op, { params: [X, ...params], summary: spec.summary, call }]];
}

/** Axes from a user: an int, a list of ints, or "all"; negative axes count from the end. */
export function normalizeAxes(v: Value | undefined, rank: number, span: Span): number[] {
  if (v === undefined || v.kind === "error") return Array.from({ length: rank }, (_, i) => i);
  const items = v.kind === "list" ? v.items : [v];
  return items.map((item) => {
    if (item.kind !== "num" || !Number.isInteger(item.value)) fail(`an axis must be an integer`, span);
    const a = item.value < 0 ? item.value + rank : item.value;
    if (a < 0 || a >= rank) fail(`axis ${item.value} is out of range for a tensor of rank ${rank}`, span);
    return a;
  });
}

function reduction(op: "sum" | "max", summary: string, mean = false): Builtin {
  return {
    params: [X, { name: "axis", kind: "axes", default: { kind: "error" } }, { name: "keepdims", kind: "num", default: num(0) }],
    summary,
    call: (c, [x, axis, keep]) => {
      const id = t(x!);
      const axes = normalizeAxes(axis, c.b.shape(id).length, c.span);
      const keepdims = n(keep!) !== 0;
      if (mean) return tensorValue(c.b.mean(id, axes, keepdims));
      return tensorValue(axes.length === 0 ? id : c.b.add(op, [id], { axes, keepdims }));
    },
  };
}

function lossArgs(c: CallContext, y: NodeId, target: NodeId): NodeId {
  const ys = c.b.shape(y);
  const ts = c.b.shape(target);
  if (ys.length === 2 && ts.length === 1) return c.asOneHot(target, ys[1]!);
  return target;
}

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  // exp, log, sqrt and the activations (sigmoid, tanh, relu, gelu, ...): from the op table.
  ...Object.fromEntries(OP_KINDS.flatMap(opBuiltin)),
  ...CONV_BUILTINS,
  identity: { params: [X], summary: "x itself (a no-op activation)", call: (_c, [x]) => x! },
  maximum: {
    params: [
      { name: "a", kind: "tensor" },
      { name: "b", kind: "tensor" },
    ],
    summary: "elementwise maximum of a and b",
    call: (c, [a, b]) => tensorValue(c.b.add("maximum", [t(a!), t(b!)], {})),
  },
  softmax: {
    params: [X],
    summary: "softmax along the last axis",
    call: (c, [x]) => {
      const y = softmax(c.b, t(x!));
      c.softmaxOf.set(y, t(x!));
      return tensorValue(y);
    },
  },
  log_softmax: { params: [X], summary: "log of softmax along the last axis", call: (c, [x]) => tensorValue(logSoftmax(c.b, t(x!))) },
  sum: reduction("sum", "sum over axis (default: all axes)"),
  mean: reduction("sum", "mean over axis (default: all axes)", true),
  max: reduction("max", "maximum over axis (default: all axes)"),
  transpose: {
    params: [X, { name: "perm", kind: "axes", default: { kind: "error" }, shownDefault: "[1, 0]" }],
    summary: "permutes the axes: swaps the two of a matrix, or as perm says, e.g. transpose(x, [0, 2, 3, 1])",
    call: (c, [x, perm]) => {
      const s = c.b.shape(t(x!));
      if (perm!.kind === "error" && s.length !== 2)
        fail(`transpose needs a 2-D tensor, got shape ${showShape(s)}; give perm for more axes`, c.span);
      const p = perm!.kind === "error" ? [1, 0] : normalizeAxes(perm, s.length, c.span);
      if (p.length !== s.length || new Set(p).size !== p.length) {
        fail(`transpose of ${showShape(s)} needs a permutation of its ${s.length} axes, got [${p.join(", ")}]`, c.span);
      }
      return tensorValue(c.b.transpose(t(x!), p));
    },
  },
  reshape: {
    params: [X, { name: "shape", kind: "shape" }],
    summary: "the same elements in a new shape, e.g. reshape(x, [batch, 784])",
    call: (c, [x, shape]) => {
      const dims = shape!.kind === "list" ? shape!.items.map((d) => (d.kind === "dim" ? d.name : n(d))) : [];
      return tensorValue(c.b.add("reshape", [t(x!)], { shape: dims }));
    },
  },
  cross_entropy: {
    params: [
      { name: "y", kind: "tensor" },
      { name: "t", kind: "tensor" },
    ],
    summary: "the book's cross_entropy_error: -Σ t·log(y + 1e-7) / batch (fused with a softmax before it)",
    call: (c, [yv, tv]) => {
      const y = t(yv!);
      const target = lossArgs(c, y, t(tv!));
      // cross_entropy(softmax(a), t) becomes the fused softmax_xent(a, t): exact, stable, and the
      // book's SoftmaxWithLoss. It drops the 1e-7 inside the log, which moves the loss by < 1e-6.
      const logits = c.softmaxOf.get(y);
      if (logits !== undefined) return tensorValue(c.b.add("softmax_xent", [logits, target], {}));
      return tensorValue(crossEntropy(c.b, y, target));
    },
  },
  softmax_cross_entropy: {
    params: [
      { name: "logits", kind: "tensor" },
      { name: "t", kind: "tensor" },
    ],
    summary: "cross-entropy of softmax(logits), fused (the book's SoftmaxWithLoss)",
    call: (c, [xv, tv]) => {
      const x = t(xv!);
      return tensorValue(c.b.add("softmax_xent", [x, lossArgs(c, x, t(tv!))], {}));
    },
  },
  mse: {
    params: [
      { name: "y", kind: "tensor" },
      { name: "t", kind: "tensor" },
    ],
    summary: "mean squared error over all elements",
    call: (c, [y, tv]) => tensorValue(mse(c.b, t(y!), t(tv!))),
  },
  dropout: {
    params: [X, { name: "ratio", kind: "num", default: num(0.5) }],
    summary: "the book's dropout: drops units with probability ratio in training, scales by 1 - ratio in inference",
    call: (c, [x, ratio]) => {
      const r = n(ratio!);
      if (!(r >= 0 && r < 1)) fail(`dropout ratio must be in [0, 1), got ${r}`, c.span);
      if (r === 0) return x!;
      const mask = c.b.add("dropout_mask", [t(x!)], { ratio: r, seq: c.seq() });
      return tensorValue(c.b.mul(t(x!), mask));
    },
  },
  batchnorm: {
    params: [X, { name: "momentum", kind: "num", default: num(0.9) }, { name: "eps", kind: "num", default: num(1e-6) }],
    ownsParams: true,
    summary:
      "batch normalization per feature of [batch, n] or per channel of [batch, C, H, W], with learned gamma, beta and running statistics",
    call: (c, [xv, momentum, eps]) => {
      const x = t(xv!);
      const s = c.b.shape(x);
      const width = s[1];
      if ((s.length !== 2 && s.length !== 4) || typeof width !== "number") {
        fail(`batchnorm needs a [batch, features] or [batch, channels, height, width] input, got shape ${showShape(s)}`, c.span);
      }
      const m = n(momentum!);
      if (!(m >= 0 && m < 1)) fail(`batchnorm momentum must be in [0, 1), got ${m}`, c.span);
      const gamma = c.param("gamma", [width], { kind: "ones" });
      const beta = c.param("beta", [width], { kind: "zeros" });
      // Running statistics, updated in training as in the book: r = m·r + (1 - m)·batch statistic.
      const running = (stat: "mean" | "var", init: InitValue) =>
        c.state(`running_${stat}`, [width], init, (b, current) => {
          const { mean, variance } = batchMoments(b, x);
          const value = b.reshape(stat === "mean" ? mean : variance, [width]);
          return b.add2(b.mul(b.const(m), current), b.mul(b.const(1 - m), value));
        });
      const rm = running("mean", { kind: "zeros" });
      const rv = running("var", { kind: "ones" });
      return tensorValue(c.b.add("batchnorm", [x, gamma, beta, rm, rv], { eps: n(eps!) }));
    },
  },
};

/** Initializers: `zeros`, `ones`, `xavier`, `he` by name; `normal(std)`, `uniform(a, b)`, `constant(v)` called. */
export const INITIALIZERS: Readonly<Record<string, { params: readonly string[]; make: (args: number[]) => InitValue }>> = {
  zeros: { params: [], make: () => ({ kind: "zeros" }) },
  ones: { params: [], make: () => ({ kind: "ones" }) },
  xavier: { params: [], make: () => ({ kind: "xavier" }) },
  he: { params: [], make: () => ({ kind: "he" }) },
  normal: { params: ["std"], make: ([std]) => ({ kind: "normal", std: std! }) },
  uniform: { params: ["low", "high"], make: ([low, high]) => ({ kind: "uniform", low: low!, high: high! }) },
  constant: { params: ["value"], make: ([value]) => ({ kind: "constant", value: value! }) },
};
