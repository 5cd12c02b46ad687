// nnc graph -> ONNX model: the inference graph of the model's outputs (dropout and batch norm
// in inference mode), its params and batch-norm state as float32 initializers, the batch as the
// symbolic dimension `batch`, and inputs and outputs under their .nn names.
//   1. recognise subgraphs that are one ONNX op (softmax, dense layers, dropout; patterns.ts);
//   2. walk the nodes the outputs need, in id (topological) order, each through its OpDef's `onnx`;
//   3. name the outputs, and describe inputs and outputs with their shapes.
import type { Span } from "../diagnostics.js";
import { dependencies, widen, type Graph, type Node, type NodeId, type NodeOf, type Shape } from "../graph/ir.js";
import type { OpKind } from "../graph/ops/attrs.js";
import { opOf } from "../graph/ops/index.js";
import { OnnxUnsupported } from "../graph/ops/onnx.js";
import { GraphEmitter, floatTensor } from "./emitter.js";
import { recognise } from "./patterns.js";
import { DataType, type ModelProto, type ValueInfo } from "./proto.js";

export type FloatArray = Float32Array | Float64Array;

/** An error in the model or its params that stops the export, at a .nn span when there is one. */
export class OnnxError extends Error {
  constructor(
    message: string,
    readonly span?: Span,
  ) {
    super(message);
    this.name = "OnnxError";
  }
}

export const DEFAULT_OPSET = 17;
/** Opsets the exporter writes (each op's form is valid in all of them) and the IR version of each. */
const IR_VERSION: Readonly<Record<number, number>> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const OPSETS = Object.keys(IR_VERSION).map(Number);

export interface ExportOptions {
  readonly opset?: number;
}

export function valueInfo(name: string, shape: Shape): ValueInfo {
  const dim = shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

function describe(n: Node): string {
  return `${n.label ? `'${n.label}' (${n.op})` : `the ${n.op} node`}`;
}

/** One nnc node's ONNX nodes through its OpDef; returns its value's name. */
function lowerNode<K extends OpKind>(e: GraphEmitter, n: NodeOf<K>, names: readonly string[], shapes: readonly Shape[]): string {
  const form = opOf(n).onnx;
  switch (form.kind) {
    case "emit":
      return form.emit(e, { inputs: names, inputShapes: shapes, shape: n.shape, attrs: n.attrs });
    case "none":
      throw new OnnxError(`cannot export ${describe(widen(n))}: ${form.why}`, n.span);
    case "leaf":
    case "const":
      throw new Error(`internal: leaf ${n.op} reached lowerNode`);
  }
}

export function exportModel(g: Graph, params: Readonly<Record<string, FloatArray>>, options: ExportOptions = {}): ModelProto {
  const opset = options.opset ?? DEFAULT_OPSET;
  const irVersion = IR_VERSION[opset];
  if (irVersion === undefined) throw new OnnxError(`opset ${opset} is not supported; nnc writes opsets ${OPSETS.join(", ")}`);
  if (g.outputs.length === 0) {
    throw new OnnxError(`model ${g.model} has no outputs to export: declare what it predicts with 'output y = ...'`, g.span);
  }
  // 1. Fused forms; the walk follows a fused node's own inputs instead of its subgraph's.
  const fused = recognise(g);
  const needed = dependencies(
    g,
    g.outputs.map((o) => o.node),
    (n) => fused.get(n.id)?.inputs ?? n.inputs,
  );
  const leaves = [...g.inputs, ...g.params, ...g.states].map((l) => l.name);
  const e = new GraphEmitter(opset, [...leaves, ...g.outputs.map((o) => o.name)]);
  const names = new Map<NodeId, string>();
  const inputs: ValueInfo[] = [];
  // A binding's value is its last node (`h = relu(x @ W + b)`: the relu); earlier ones say their op.
  const lastOfLabel = new Map(needed.flatMap((id) => (g.nodes[id]!.label ? [[g.nodes[id]!.label!, id] as const] : [])));
  // 2. Every needed node, inputs before their readers.
  for (const id of needed) {
    const n = g.nodes[id]!;
    if (n.op === "input") {
      if (n.attrs.role === "target") throw new OnnxError(`cannot export: an output reads the target '${n.attrs.name}'`, n.span);
      inputs.push(valueInfo(n.attrs.name, n.shape));
      names.set(id, n.attrs.name);
      continue;
    }
    if (n.op === "param" || n.op === "state") {
      const data = params[n.attrs.name];
      if (!data) throw new OnnxError(`the params have no tensor '${n.attrs.name}' (are they the params of ${g.model}?)`);
      const shape = n.shape.map(Number);
      if (data.length !== shape.reduce((a, b) => a * b, 1)) {
        throw new OnnxError(`'${n.attrs.name}' in the params has ${data.length} values; the model declares shape [${shape}]`);
      }
      e.initializers.push(floatTensor(n.attrs.name, shape, data));
      names.set(id, n.attrs.name);
      continue;
    }
    if (n.op === "const") {
      names.set(id, e.floats([n.attrs.value]));
      continue;
    }
    const base = n.label === undefined ? `${n.op}${id}` : lastOfLabel.get(n.label) === id ? n.label : `${n.label}/${n.op}`;
    e.prefix = base;
    const f = fused.get(id);
    const ins = (f?.inputs ?? n.inputs).map((i) => names.get(i)!);
    const before = e.nodes.length;
    let value: string;
    try {
      value = f
        ? f.emit(e, ins)
        : lowerNode(
            e,
            n,
            ins,
            n.inputs.map((i) => g.nodes[i]!.shape),
          );
    } catch (err) {
      if (err instanceof OnnxUnsupported) throw new OnnxError(`cannot export ${describe(n)}: ${err.message}`, n.span);
      throw err;
    }
    // The node's own value takes the binding's name.
    if (e.nodes.slice(before).some((m) => m.output.includes(value))) {
      const named = e.unique(base);
      e.rename(value, named);
      value = named;
    }
    names.set(id, value);
  }
  // 3. Outputs under their .nn names: the value renamed when a node made it, else an Identity.
  const outputs = g.outputs.map((o) => {
    const value = names.get(o.node)!;
    const shape = g.nodes[o.node]!.shape;
    if (e.made(value) && !g.outputs.some((p) => p.name === value)) {
      e.rename(value, o.name);
      names.set(o.node, o.name);
    } else if (value !== o.name) {
      e.prefix = o.name;
      e.nodes.push({ opType: "Identity", name: `${o.name}/Identity`, input: [value], output: [o.name], attribute: [] });
    }
    return valueInfo(o.name, shape);
  });
  return {
    irVersion,
    producerName: "nnc",
    producerVersion: "0.1.0",
    opsetImport: [{ domain: "", version: opset }],
    graph: { name: g.model, node: e.protos(), initializer: e.initializers, input: inputs, output: outputs },
  };
}
