// Every op's JAX rendering, one entry per OpKind: the table's type requires all of them, so an op
// added to src/graph/ops without a rendering here does not compile. Elementwise ops share one rule
// (their Expr through ./expr-jnp.ts, with the op's random draws and axis permutation), as do
// reductions; the heavy kernels map to what XLA fuses and tiles itself (`@`, log_softmax,
// one_hot). Each rule gives one expression over its inputs' variables.
import type { Dim, NodeOf, Shape } from "../../graph/ir.js";
import { mapExpr, permutation, randomSeq, reductionAxes } from "../../graph/ops/index.js";
import type { OpKind } from "../../graph/ops/attrs.js";
import type { PoolAttrs } from "../../graph/ops/pool-ref.js";
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
    if (!s.training) return py`_batchnorm_inference(${x!}, ${gamma!}, ${beta!}, ${mean!}, ${variance!}, ${eps})`;
    return py`_batchnorm(${x!}, ${gamma!}, ${beta!}, ${eps})`;
  },
  // Convolution and pooling (NCHW): XLA's conv_general_dilated and reduce_window; the adjoints
  // as the VJPs (and max_pool_gather as the JVP) of those, which are exact for linear maps.
  conv2d: (n, s) => py`_conv2d(${s.args[0]!}, ${s.args[1]!}, ${pyInt(n.attrs.stride)}, ${pyInt(n.attrs.pad)})`,
  conv2d_backward_input: (n, s) => {
    const { stride, pad, height, width } = n.attrs;
    return py`_conv2d_backward_input(${s.args[0]!}, ${s.args[1]!}, ${pyInt(stride)}, ${pyInt(pad)}, ${pyInt(height)}, ${pyInt(width)})`;
  },
  conv2d_backward_filter: (n, s) => {
    const { stride, pad, kh, kw } = n.attrs;
    return py`_conv2d_backward_filter(${s.args[0]!}, ${s.args[1]!}, ${pyInt(stride)}, ${pyInt(pad)}, ${pyInt(kh)}, ${pyInt(kw)})`;
  },
  max_pool: (n, s) => py`_max_pool(${s.args[0]!}, ${pool(n.attrs)})`,
  max_pool_backward: (n, s) => py`_max_pool_backward(${s.args[0]!}, ${s.args[1]!}, ${pool(n.attrs)})`,
  max_pool_gather: (n, s) => py`_max_pool_gather(${s.args[0]!}, ${s.args[1]!}, ${pool(n.attrs)})`,
  avg_pool: (n, s) => py`_avg_pool(${s.args[0]!}, ${pool(n.attrs)})`,
  avg_pool_backward: (n, s) => py`_avg_pool_backward(${s.args[0]!}, ${pool(n.attrs)}, ${pyInt(n.attrs.height)}, ${pyInt(n.attrs.width)})`,
  stop_gradient: (_n, s) => py`lax.stop_gradient(${s.args[0]!})`,
};

const pool = (a: PoolAttrs): Py => py`${pyInt(a.size)}, ${pyInt(a.stride)}, ${pyInt(a.pad)}`;

/** Helpers the rules call, defined once at the top of every module. */
export const JAX_HELPERS: Py = py`def _channels(v, x):
    # A [features] vector lined up with x: [n] for [batch, n], [C, 1, 1] for [batch, C, H, W].
    return jnp.reshape(v, v.shape + (1,) * (x.ndim - 2))


def _batchnorm(x, gamma, beta, eps):
    # Training-mode batch normalization with the batch's moments (over batch and space), in the reference's order.
    axes = (0,) + tuple(range(2, x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    return (x - mean) / jnp.sqrt(variance + eps) * _channels(gamma, x) + _channels(beta, x)


def _batchnorm_inference(x, gamma, beta, mean, variance, eps):
    return (x - _channels(mean, x)) / jnp.sqrt(_channels(variance, x) + eps) * _channels(gamma, x) + _channels(beta, x)


def _conv2d(x, w, stride, pad):
    # Cross-correlation over NCHW with an OIHW filter, zero padding, floor division for the output size.
    return lax.conv_general_dilated(x, w, (stride, stride), ((pad, pad), (pad, pad)), dimension_numbers=("NCHW", "OIHW", "NCHW"))


def _conv2d_backward_input(dy, w, stride, pad, height, width):
    x = jnp.zeros((dy.shape[0], w.shape[1], height, width), dy.dtype)
    return jax.vjp(lambda x: _conv2d(x, w, stride, pad), x)[1](dy)[0]


def _conv2d_backward_filter(x, dy, stride, pad, kh, kw):
    w = jnp.zeros((dy.shape[1], x.shape[1], kh, kw), dy.dtype)
    return jax.vjp(lambda w: _conv2d(x, w, stride, pad), w)[1](dy)[0]


def _window(size, stride, pad):
    return (1, 1, size, size), (1, 1, stride, stride), ((0, 0), (0, 0), (pad, pad), (pad, pad))


def _max_pool(x, size, stride, pad):
    # Padding is -inf: it never wins a window.
    return lax.reduce_window(x, -jnp.inf, lax.max, *_window(size, stride, pad))


def _max_pool_backward(x, dy, size, stride, pad):
    return jax.vjp(lambda x: _max_pool(x, size, stride, pad), x)[1](dy)[0]


def _max_pool_gather(x, g, size, stride, pad):
    return jax.jvp(lambda x: _max_pool(x, size, stride, pad), (x,), (g,))[1]


def _avg_pool(x, size, stride, pad):
    # Padding counts as zeros (PyTorch's count_include_pad).
    return lax.reduce_window(x, 0.0, lax.add, *_window(size, stride, pad)) / (size * size)


def _avg_pool_backward(dy, size, stride, pad, height, width):
    x = jnp.zeros(dy.shape[:2] + (height, width), dy.dtype)
    return jax.vjp(lambda x: _avg_pool(x, size, stride, pad), x)[1](dy)[0]`;
