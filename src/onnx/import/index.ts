// ONNX model -> a readable .nn file and its weights. The file declares the inputs (the first
// dimension symbolic -> `batch`), the params with their shapes, one binding per node and the
// outputs; the weights are keyed by the .nn names (PyTorch's `fc1.weight` -> `fc1_weight`).
//   1. initializers become constants, graph inputs become `input` declarations;
//   2. each node, in the file's (topological) order, through its op's entry in IMPORTS;
//   3. the outputs, then the text.
import { BATCH, showShape, type Dim } from "../../graph/ir.js";
import { DataType, type ModelProto, type ValueInfo } from "../proto.js";
import { Attributes, ImportContext, ImportError, type ParamOut } from "./context.js";
import { identifier } from "./names.js";
import { IMPORTS } from "./ops.js";
import { dataTypeName, readTensor } from "./tensors.js";

export { ImportError } from "./context.js";

export interface Imported {
  /** The .nn source. */
  readonly nn: string;
  readonly model: string;
  /** Params and batch-norm state by their .nn names (float32, as nnc's params files). */
  readonly tensors: Readonly<Record<string, { readonly shape: readonly number[]; readonly data: Float32Array }>>;
  /** The .nn names of the ONNX graph's inputs and outputs, by ONNX name. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
}

const SUPPORTED = Object.keys(IMPORTS).sort().join(", ");

function inputShape(v: ValueInfo): Dim[] {
  const t = v.type?.tensorType;
  if (!t) throw new ImportError(`input '${v.name}' is not a tensor; nnc imports tensor inputs`);
  if (t.elemType !== DataType.FLOAT && t.elemType !== DataType.DOUBLE) {
    throw new ImportError(`input '${v.name}' has data type ${dataTypeName(t.elemType)}; nnc imports float tensors (FLOAT, DOUBLE)`);
  }
  const dims = t.shape?.dim ?? [];
  return dims.map((d, i) => {
    if (d.dimValue !== undefined && Number(d.dimValue) > 0) return Number(d.dimValue);
    if (i === 0) return BATCH;
    throw new ImportError(`input '${v.name}': dimension ${i} ('${d.dimParam ?? "?"}') is symbolic; nnc allows only the first (the batch)`);
  });
}

function paramLine(p: ParamOut): string {
  return `  param ${p.name}: ${showShape(p.shape)} = zeros${p.note ? `  # ${p.note}` : ""}`;
}

export function importModel(m: ModelProto, options: { readonly name?: string; readonly source?: string } = {}): Imported {
  const g = m.graph;
  if (!g) throw new ImportError("the file has no graph");
  const opset = m.opsetImport?.find((o) => !o.domain)?.version ?? 1;
  const cx = new ImportContext(Number(opset));
  // 1. Constants and inputs.
  for (const t of g.initializer ?? []) {
    const c = readTensor(t);
    if (!c)
      throw new ImportError(`initializer '${t.name}' has data type ${dataTypeName(t.dataType)}; nnc reads FLOAT, DOUBLE, INT32, INT64`);
    cx.values.set(t.name ?? "", { kind: "const", onnxName: t.name ?? "", initializer: true, ...c });
  }
  const inputs: Record<string, string> = {};
  for (const v of g.input.filter((i) => !cx.values.has(i.name))) {
    const shape = inputShape(v);
    const ref = cx.names.fresh(v.name);
    cx.inputs.push({ name: ref, shape });
    cx.values.set(v.name, { kind: "tensor", ref, shape });
    inputs[v.name] = ref;
  }
  // 2. Nodes.
  for (const node of g.node) {
    const where = `node '${node.name || node.output[0]}' (${node.opType})`;
    const op = node.domain ? undefined : IMPORTS[node.opType];
    if (!op)
      throw new ImportError(
        `${where}: op ${node.domain ? `${node.domain}.` : ""}${node.opType} is not supported; nnc imports ${SUPPORTED}`,
      );
    const ins = node.input.map((name) => (name === "" ? undefined : cx.value(name, where)));
    const a = new Attributes(where, node.attribute ?? [], op.attrs);
    op.run(cx, node, ins, a);
  }
  // 3. Outputs: `output y` when the binding already has the output's name.
  const outputs: Record<string, string> = {};
  const outputLines = g.output.map((o) => {
    const v = cx.value(o.name, `output '${o.name}'`);
    // A constant output is a param: the .nn outputs are tensors, never bare numbers.
    const ref = v.kind === "const" ? cx.param(v) : cx.operand(v);
    if (v.kind === "tensor" && cx.names.source.get(ref) === o.name) {
      outputs[o.name] = ref;
      return `  output ${ref}`;
    }
    const name = cx.names.fresh(o.name);
    outputs[o.name] = name;
    return `  output ${name} = ${ref}`;
  });
  const model = identifier(options.name ?? g.name ?? "Imported");
  const from = options.source ? ` from ${options.source}` : "";
  const producer = m.producerName ? `, written by ${m.producerName}${m.producerVersion ? ` ${m.producerVersion}` : ""}` : "";
  const declared = cx.params.filter((p) => !p.implicit);
  const nn = [
    `# Imported${from} by nnc import (ONNX opset ${opset}${producer}).`,
    `# The weights are in the .safetensors file beside this one, under these names.`,
    `model ${model} {`,
    ...cx.inputs.map((i) => `  input ${i.name}: ${showShape(i.shape)}`),
    ...(declared.length > 0 ? ["", ...declared.map(paramLine)] : []),
    "",
    ...cx.lines.map((l) => `  ${l}`),
    "",
    ...outputLines,
    "}",
    "",
  ].join("\n");
  const tensors = Object.fromEntries(cx.params.map((p) => [p.name, { shape: p.shape, data: Float32Array.from(p.data) }]));
  return { nn, model, tensors, inputs, outputs };
}
