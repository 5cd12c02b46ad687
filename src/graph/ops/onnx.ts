// How an op lowers to ONNX, declared in its OpDef (`onnx`): the exporter (src/onnx/) calls the
// op's `emit` with an emitter that writes NodeProtos. This file holds only the types and small
// helpers, no protobuf, so src/graph stays free of the exporter.
import type { Shape } from "../ir.js";
import type { AttrMap, OpKind } from "./attrs.js";

/** An ONNX attribute value, typed as the schema types it (INT, FLOAT, INTS). */
export type OnnxAttr = { readonly int: number } | { readonly float: number } | { readonly ints: readonly number[] };

/** What a lowering may write; value names are ONNX value names, made by the emitter. */
export interface OnnxEmitter {
  /** The opset the model declares (some ops moved attributes to inputs between opsets). */
  readonly opset: number;
  /** One node `op(inputs)` with one output; returns the output's name. */
  node(op: string, inputs: readonly string[], attrs?: Readonly<Record<string, OnnxAttr>>): string;
  /** A float32 constant (an initializer). */
  floats(values: readonly number[], shape?: readonly number[]): string;
  /** An int64 constant (shapes, axes, indices); a 1-D tensor. */
  ints(values: readonly number[]): string;
}

/** What an op's lowering sees: its input values, their nnc shapes, its own shape and attributes. */
export interface OnnxNode<K extends OpKind> {
  readonly inputs: readonly string[];
  readonly inputShapes: readonly Shape[];
  readonly shape: Shape;
  readonly attrs: AttrMap[K];
}

export type OnnxForm<K extends OpKind> =
  /** A graph input (inputs) or an initializer (params, batch-norm state). */
  | { readonly kind: "leaf" }
  /** A scalar float constant. */
  | { readonly kind: "const" }
  /** Nodes written by `emit`, returning the value's name (an input's name for an alias). */
  | { readonly kind: "emit"; readonly emit: (e: OnnxEmitter, n: OnnxNode<K>) => string }
  /** No inference form (losses and their targets): the export names the op and says why. */
  | { readonly kind: "none"; readonly why: string };

export const int = (v: number): OnnxAttr => ({ int: v });
export const float = (v: number): OnnxAttr => ({ float: v });
export const ints = (v: readonly number[]): OnnxAttr => ({ ints: v });

/** One ONNX op with the same inputs and attributes made from the op's. */
export function onnxOp<K extends OpKind>(op: string, attrs?: (a: AttrMap[K]) => Readonly<Record<string, OnnxAttr>>): OnnxForm<K> {
  return { kind: "emit", emit: (e, n) => e.node(op, n.inputs, attrs?.(n.attrs)) };
}

/** Thrown by a lowering for a case ONNX cannot express here; the exporter names the node. */
export class OnnxUnsupported extends Error {}

/** The same value under another name: no node (stop_gradient, an empty reduction). */
export const alias = <K extends OpKind>(): OnnxForm<K> => ({ kind: "emit", emit: (_e, n) => n.inputs[0]! });

/** Conv's and the pools' strides and (symmetric) pads over the two spatial axes. */
export function windowAttrs(w: { readonly stride: number; readonly pad: number }): Record<string, OnnxAttr> {
  return { strides: ints([w.stride, w.stride]), pads: ints([w.pad, w.pad, w.pad, w.pad]) };
}

/** ONNX's TensorProto.DataType FLOAT, for Cast. */
export const ONNX_FLOAT = 1;
