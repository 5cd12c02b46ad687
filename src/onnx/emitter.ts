// The exporter's OnnxEmitter: collects NodeProtos and initializers under unique value names.
// Names say where a value comes from: a node's final value is named after its .nn binding
// (`hidden1`), the nodes that lead to it after that and their op (`hidden1/Greater`).
import type { OnnxAttr, OnnxEmitter } from "../graph/ops/onnx.js";
import { AttributeType, DataType, type AttributeProto, type NodeProto, type TensorProto } from "./proto.js";

interface MutableNode {
  opType: string;
  name: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

function attribute(name: string, a: OnnxAttr): AttributeProto {
  if ("int" in a) return { name, type: AttributeType.INT, i: a.int };
  if ("float" in a) return { name, type: AttributeType.FLOAT, f: a.float };
  return { name, type: AttributeType.INTS, ints: [...a.ints] };
}

/** float32 values as little-endian bytes (raw_data), whatever the platform's byte order. */
export function floatTensor(name: string, shape: readonly number[], values: ArrayLike<number>): TensorProto {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return { name, dims: [...shape], dataType: DataType.FLOAT, rawData: bytes };
}

export class GraphEmitter implements OnnxEmitter {
  readonly nodes: MutableNode[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly taken = new Set<string>();
  private readonly constants = new Map<string, string>();
  /** The base of the names of values made now (the nnc node being lowered). */
  prefix = "";

  constructor(
    readonly opset: number,
    reserved: Iterable<string>,
  ) {
    for (const r of reserved) this.taken.add(r);
  }

  /** `base`, or `base_2`, `base_3`, ... when taken. */
  unique(base: string): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, OnnxAttr>> = {}): string {
    const output = this.unique(`${this.prefix}/${op}`);
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ opType: op, name: output, input: [...inputs], output: [output], attribute: attribute_ });
    return output;
  }

  /** Constants are shared: the same values and shape give the same initializer. */
  private constant(key: string, make: (name: string) => TensorProto): string {
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.unique(`const_${this.constants.size}`);
    this.constants.set(key, name);
    this.initializers.push(make(name));
    return name;
  }

  floats(values: readonly number[], shape: readonly number[] = []): string {
    return this.constant(`f[${shape}]${values}`, (name) => floatTensor(name, shape, values));
  }

  ints(values: readonly number[]): string {
    return this.constant(`i${values}`, (name) => ({ name, dims: [values.length], dataType: DataType.INT64, int64Data: [...values] }));
  }

  /** Renames a value made by a node (its output and every read of it). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.output = n.output.map((o) => (o === from ? to : o));
      n.input = n.input.map((i) => (i === from ? to : i));
    }
  }

  /** Whether a node made this value (rather than it being an input or initializer). */
  made(value: string): boolean {
    return this.nodes.some((n) => n.output.includes(value));
  }

  protos(): NodeProto[] {
    return this.nodes.map((n) => ({ ...n, attribute: n.attribute }));
  }
}
