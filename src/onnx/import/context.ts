// What the op handlers build an imported model with: its values (a .nn name with its shape, or a
// constant known at import time), and the .nn file's parts (inputs, params, bindings).
import { showShape, type Dim, type Shape } from "../../graph/ir.js";
import type { AttributeProto, NodeProto } from "../proto.js";
import { Names } from "./names.js";
import { dataTypeName, readTensor, type Constant } from "./tensors.js";

/**
 * A value in the imported graph: a tensor the .nn file names, a constant (initializer, Constant),
 * or dimensions known at import time up to the batch (PyTorch's `x.view(x.size(0), -1)` computes
 * a Reshape's target with Shape, Gather, Unsqueeze and Concat): a 1-D int64 tensor, or a scalar.
 */
export type Value =
  | { readonly kind: "tensor"; readonly ref: string; readonly shape: Shape }
  | { readonly kind: "dims"; readonly dims: readonly Dim[]; readonly scalar: boolean }
  | ({ readonly kind: "const"; readonly onnxName: string; readonly initializer?: boolean } & Constant);

/** An error in the ONNX model that stops the import: it names the node, its op and what is supported. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }
}

export interface ParamOut {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
  /** Where it came from, when that is not its name: `fc1.weight, transposed`. */
  readonly note?: string;
  /** Made by a builtin (batchnorm's gamma, beta and statistics), so not declared in the file. */
  readonly implicit?: boolean;
}

/** A node's attributes by name, read only through the names its op supports. */
export class Attributes {
  private readonly byName: Map<string, AttributeProto>;
  constructor(
    private readonly where: string,
    list: readonly AttributeProto[],
    supported: readonly string[],
  ) {
    this.byName = new Map(list.map((a) => [a.name, a]));
    for (const a of list) {
      if (!supported.includes(a.name)) {
        const which = supported.length > 0 ? `supported: ${supported.join(", ")}` : "it takes none";
        throw new ImportError(`${where}: attribute '${a.name}' is not supported (${which})`);
      }
    }
  }
  int(name: string, fallback: number): number {
    return Number(this.byName.get(name)?.i ?? fallback);
  }
  float(name: string, fallback: number): number {
    return this.byName.get(name)?.f ?? fallback;
  }
  ints(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a ? (a.ints ?? []).map(Number) : undefined;
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  get(name: string): AttributeProto | undefined {
    return this.byName.get(name);
  }
  /** An error about this node. */
  fail(message: string): never {
    throw new ImportError(`${this.where}: ${message}`);
  }
}

export class ImportContext {
  readonly names = new Names();
  readonly inputs: { name: string; shape: Shape }[] = [];
  readonly params: ParamOut[] = [];
  readonly lines: string[] = [];
  readonly values = new Map<string, Value>();
  /** Params made from a constant, by constant and layout, so each is written once. */
  private readonly paramOf = new Map<string, string>();

  constructor(readonly opset: number) {}

  value(name: string, where: string): Value {
    const v = this.values.get(name);
    if (!v) throw new ImportError(`${where}: reads '${name}', which no node, input or initializer makes`);
    return v;
  }

  /** `name = expr` under a fresh name for the ONNX value `output`. */
  bind(output: string, expr: string, shape: Shape): Value {
    const ref = this.names.fresh(output);
    this.lines.push(`${ref} = ${expr}`);
    const v: Value = { kind: "tensor", ref, shape };
    this.values.set(output, v);
    return v;
  }

  /** A constant as a param, once per constant and `layout` (the data already transformed). */
  param(c: Extract<Value, { kind: "const" }>, layout = "", data: Constant = c, note?: string): string {
    const key = `${c.onnxName}\u0000${layout}`;
    const known = this.paramOf.get(key);
    if (known !== undefined) return known;
    const name = this.names.fresh(c.onnxName);
    const source = note ?? (name === c.onnxName ? undefined : c.onnxName);
    this.params.push({ name, shape: data.shape, data: data.data, ...(source !== undefined && { note: source }) });
    this.paramOf.set(key, name);
    return name;
  }

  /**
   * A value as an operand in .nn text: a name, a number for a scalar constant (or a one-element
   * Constant node's), or a param (an initializer of shape [1] is a weight, such as a learned scale).
   */
  operand(v: Value): string {
    if (v.kind === "tensor") return v.ref;
    if (v.kind === "dims")
      throw new ImportError(`a shape read from a tensor ([${v.dims}]) is used as data; nnc computes with it only as a Reshape's target`);
    if (v.shape.length === 0 || (v.data.length === 1 && v.shape.length === 1 && !v.initializer)) return literal(v.data[0]!);
    return this.param(v);
  }
}

export function shapeOf(v: Value): Shape {
  if (v.kind === "dims") return v.scalar ? [] : [v.dims.length];
  return v.shape;
}

/** A number as .nn source: the float32 value's shortest form, negatives in parentheses. */
export function literal(x: number): string {
  if (!Number.isFinite(x)) throw new ImportError(`the constant ${x} cannot be written in a .nn file`);
  const s = String(Math.fround(x));
  return x < 0 ? `(${s})` : s;
}

/** A constant from a Constant node's value attribute (a tensor, or value_float(s)/value_int(s)). */
export function constantAttribute(node: NodeProto, where: string): Constant {
  const a = node.attribute?.[0];
  if (!a || (node.attribute?.length ?? 0) !== 1) throw new ImportError(`${where}: a Constant needs exactly one value attribute`);
  if (a.name === "value" && a.t) {
    const c = readTensor(a.t);
    if (!c)
      throw new ImportError(`${where}: a constant of type ${dataTypeName(a.t.dataType)} is not supported (float, double, int32, int64)`);
    return c;
  }
  if (a.name === "value_float" || a.name === "value_int")
    return { shape: [], data: Float64Array.of(Number(a.name === "value_float" ? a.f : a.i)) };
  if (a.name === "value_floats" || a.name === "value_ints") {
    const xs = (a.name === "value_floats" ? a.floats : a.ints) ?? [];
    return { shape: [xs.length], data: Float64Array.from(xs.map(Number)) };
  }
  throw new ImportError(`${where}: attribute '${a.name}' is not supported (value, value_float(s), value_int(s))`);
}

export function checkRank(v: Value, ranks: readonly number[], what: string, a: Attributes): void {
  const s = shapeOf(v);
  if (!ranks.includes(s.length)) a.fail(`${what} has shape ${showShape(s)}; nnc supports rank ${ranks.join(" or ")} here`);
}

export type { Dim };
