// Every op's JAX rendering, one entry per OpKind: the table's type requires all of them, so an op
// added to src/graph/ops without a rendering here does not compile. Elementwise ops share one rule
// (their Expr through ./expr-jnp.ts, with the op's random draws and axis permutation), as do
// reductions; the heavy kernels map to what XLA fuses and tiles itself (`@`, log_softmax,
// one_hot). Each rule gives one expression over its inputs' variables.
import type { Dim, NodeOf, Shape } from "../../graph/ir.js";
import { mapExpr, permutation, randomSeq, reductionAxes } from "../../graph/ops/index.js";
import type { OpKind } from "../../graph/ops/attrs.js";
import { someNode } from "../../graph/ops/expr.js";
import { broadcastShape } from "../../graph/ops/shapes.js";
import { exprToJnp, REDUCTIONS } from "./expr-jnp.js";
import { py, pyBool, pyFloat, pyInt, pyJoin, pyStr, pyTuple, type Py } from "./python.js";

/** What a rule sees besides its node: its inputs' variables and shapes, and the function's scope. */
export interface JaxScope {
  readonly args: readonly Py[];
  readonly inputShapes: readonly Shape[];
  /** A shape as a tuple, symbolic dimensions by their variable (`(batch_size, 784)`). */
  readonly shape: (s: Shape) => Py;
  /** A dimension's size (a variable or an int). */
  readonly dim: (d: Dim) => Py;
  /** Training (loss) or inference (predict). */
  readonly training: boolean;
  /** The dict the inputs are read from (`inputs` in predict, `batch` in loss). */
  readonly feeds: Py;
  /** Uniform draws in [0, 1) of `shape` from random op `seq`'s stream (the step's key folded with seq). */
  readonly draw: (seq: number, shape: Shape) => Py;
}

export type JaxRule<K extends OpKind> = (n: NodeOf<K>, s: JaxScope) => Py;

const leaf =
  (dict: "params" | "feeds") =>
  <K extends "input" | "param" | "state">(n: NodeOf<K>, s: JaxScope): Py =>
    py`${dict === "feeds" ? s.feeds : py`params`}[${pyStr(n.attrs.name)}]`;

/** An elementwise op: its Expr over whole arrays, broadcast to the node's shape when the Expr alone would not be. */
function elementwise<K extends OpKind>(n: NodeOf<K>, s: JaxScope): Py {
  const e = mapExpr(n, { training: s.training });
  const perm = permutation(n);
  const args = perm ? s.args.map((a) => py`jnp.transpose(${a}, ${pyTuple(perm.map(pyInt))})`) : s.args;
  const shapes = perm ? s.inputShapes.map((sh) => perm.map((p) => sh[p]!)) : s.inputShapes;
  const draws = someNode(e, (x) => x.kind === "uniform");
  const seq = randomSeq(n) ?? 0;
  const code = exprToJnp(e, { args, ...(draws && { uniform: s.draw(seq, n.shape) }) });
  const read = shapes.filter((_, i) => someNode(e, (x) => x.kind === "arg" && x.index === i));
  const natural = draws ? n.shape : read.reduce<Shape | undefined>((a, b) => (a ? broadcastShape(a, b) : b), undefined);
  const same = natural !== undefined && natural.length === n.shape.length && natural.every((d, i) => d === n.shape[i]);
  return same ? code : py`jnp.broadcast_to(${code}, ${s.shape(n.shape)})`;
}

/** sum and max: the jnp reduction of the op's combine step. */
function reduction(n: NodeOf<"sum"> | NodeOf<"max">, s: JaxScope): Py {
  const f = REDUCTIONS[n.op === "sum" ? "add" : "max"]!;
  const axes = pyTuple(reductionAxes(n).map(pyInt));
  return py`${f}(${s.args[0]!}, axis=${axes}, keepdims=${pyBool(n.attrs.keepdims)})`;
}

export const JAX_OPS: { readonly [K in OpKind]: JaxRule<K> } = {
  input: leaf("feeds"),
  param: leaf("params"),
  state: leaf("params"),
  const: (n) => pyFloat(n.attrs.value),
  neg: elementwise,
  exp: elementwise,
  log: elementwise,
  sqrt: elementwise,
  add: elementwise,
  sub: elementwise,
  mul: elementwise,
  div: elementwise,
  pow: elementwise,
  maximum: elementwise,
  ge: elementwise,
  sigmoid: elementwise,
  tanh: elementwise,
  relu: elementwise,
  step: elementwise,
  erf: elementwise,
  leaky_relu: elementwise,
  elu: elementwise,
  gelu: elementwise,
  softplus: elementwise,
  silu: elementwise,
  sum: reduction,
  max: reduction,
  // A size known from shapes (the batch, when reduced over it): a Python number.
  count: (n, s) => {
    const dims = n.attrs.axes.map((a) => s.inputShapes[0]![a]!);
    return dims.length === 0 ? pyFloat(1) : py`float(${pyJoin(dims.map(s.dim), py` * `)})`;
  },
  reshape: (n, s) => py`jnp.reshape(${s.args[0]!}, ${s.shape(n.attrs.shape)})`,
  transpose: elementwise,
  broadcast: elementwise,
  matmul: (n, s) => {
    const [a, b] = s.args;
    return py`${n.attrs.transA ? py`${a!}.T` : a!} @ ${n.attrs.transB ? py`${b!}.T` : b!}`;
  },
  // The book's SoftmaxWithLoss: -Σ t·log_softmax(x) / rows, through log-softmax as the reference.
  softmax_xent: (_n, s) => py`-jnp.sum(${s.args[1]!} * jax.nn.log_softmax(${s.args[0]!}, axis=1)) / ${s.args[0]!}.shape[0]`,
  onehot: (n, s) => py`jax.nn.one_hot(${s.args[0]!}.astype(jnp.int32), ${pyInt(n.attrs.classes)}, dtype=dtype)`,
  dropout_mask: elementwise,
  // Training: the batch's moments (mean, then the mean square of the centered values, as the
  // reference); inference: the running ones.
  batchnorm: (n, s) => {
    const [x, gamma, beta, mean, variance] = s.args;
    const eps = pyFloat(n.attrs.eps);
    if (!s.training) return py`(${x!} - ${mean!}) / jnp.sqrt(${variance!} + ${eps}) * ${gamma!} + ${beta!}`;
    return py`_batchnorm(${x!}, ${gamma!}, ${beta!}, ${eps})`;
  },
  stop_gradient: (_n, s) => py`lax.stop_gradient(${s.args[0]!})`,
};

/** Helpers the rules call, defined once at the top of every module. */
export const JAX_HELPERS: Py = py`def _batchnorm(x, gamma, beta, eps):
    # Training-mode batch normalization with the batch's moments, in the reference's order.
    mean = jnp.mean(x, axis=0)
    variance = jnp.mean(jnp.square(x - mean), axis=0)
    return (x - mean) / jnp.sqrt(variance + eps) * gamma + beta`;
