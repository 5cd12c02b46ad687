// The attributes of every op, by kind. `OpKind` is this map's keys, so the op table in
// `ops/index.ts` must give every kind a definition (a missing one is a compile error).
import type { Dim } from "../ir.js";
import type { ActivationAttrs } from "./activations.js";
import type { PoolAttrs } from "./pool-ref.js";

export type NoAttrs = Readonly<Record<string, never>>;

/** Every op's attributes; the activations declare theirs beside their definitions. */
export interface AttrMap extends ActivationAttrs {
  // Leaves: the graph's inputs, trainable params, non-trainable state, scalar constants.
  input: { readonly name: string; readonly role: "input" | "target" };
  param: { readonly name: string };
  state: { readonly name: string };
  const: { readonly value: number };
  // Elementwise, unary.
  neg: NoAttrs;
  exp: NoAttrs;
  log: NoAttrs;
  sqrt: NoAttrs;
  // Elementwise, binary, with numpy broadcasting.
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  pow: NoAttrs;
  maximum: NoAttrs;
  ge: NoAttrs;
  // Reductions.
  sum: { readonly axes: readonly number[]; readonly keepdims: boolean };
  max: { readonly axes: readonly number[]; readonly keepdims: boolean };
  count: { readonly axes: readonly number[] };
  // Shapes.
  reshape: { readonly shape: readonly Dim[] };
  transpose: { readonly perm: readonly number[] };
  broadcast: { readonly shape: readonly Dim[] };
  // Linear algebra.
  matmul: { readonly transA: boolean; readonly transB: boolean };
  // Convolution over NCHW tensors (ops/conv.ts): the op and its two adjoints.
  conv2d: { readonly stride: number; readonly pad: number };
  conv2d_backward_input: { readonly stride: number; readonly pad: number; readonly height: number; readonly width: number };
  conv2d_backward_filter: { readonly stride: number; readonly pad: number; readonly kh: number; readonly kw: number };
  // Pooling over NCHW tensors (ops/pool.ts), size × size windows.
  max_pool: PoolAttrs;
  max_pool_backward: PoolAttrs;
  max_pool_gather: PoolAttrs;
  avg_pool: PoolAttrs;
  avg_pool_backward: PoolAttrs & { readonly height: number; readonly width: number };
  // Neural-network ops.
  softmax_xent: NoAttrs;
  onehot: { readonly classes: number };
  dropout_mask: { readonly ratio: number; readonly seq: number };
  batchnorm: { readonly eps: number };
  stop_gradient: NoAttrs;
}

export type OpKind = keyof AttrMap;
