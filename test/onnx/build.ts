// ONNX models written as PyTorch's exporter writes them (torch.onnx.export of nn.Linear,
// nn.Conv2d, ...: weights as initializers named after the module, `/fc1/Gemm_output_0` values,
// a dynamic batch axis), built here through the protobuf schema rather than kept as files.
import { floatTensor } from "../../src/onnx/emitter.js";
import { AttributeType, DataType, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from "../../src/onnx/proto.js";
import { createRng } from "../../src/runtime/rng.js";

type Attr = number | number[] | string;

function attribute(name: string, v: Attr): AttributeProto {
  if (typeof v === "string") return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  return Number.isInteger(v) && name !== "alpha" && name !== "beta" && name !== "epsilon"
    ? { name, type: AttributeType.INT, i: v }
    : { name, type: AttributeType.FLOAT, f: v };
}

export function node(opType: string, input: readonly string[], output: readonly string[], attrs: Record<string, Attr> = {}): NodeProto {
  return {
    opType,
    name: output[0]!.replace(/_output_0$/, ""),
    input: [...input],
    output: [...output],
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  };
}

/** A float initializer with seeded random values (scaled like PyTorch's default init). */
export function weight(name: string, shape: number[], seed: number, scale = 0.3): TensorProto {
  const rng = createRng(seed);
  return floatTensor(
    name,
    shape,
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()),
  );
}

export function int64s(name: string, values: number[]): TensorProto {
  return { name, dims: [values.length], dataType: DataType.INT64, int64Data: values };
}

export function floatInput(name: string, dims: (number | string)[], elemType: number = DataType.FLOAT) {
  const dim = dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

export function model(
  nodes: NodeProto[],
  initializer: TensorProto[],
  input: ReturnType<typeof floatInput>[],
  output: string[],
  opset = 17,
): ModelProto {
  return {
    irVersion: 8,
    producerName: "pytorch",
    producerVersion: "2.5.0",
    opsetImport: [{ domain: "", version: opset }],
    graph: {
      name: "main_graph",
      node: nodes,
      initializer,
      input,
      output: output.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
    },
  };
}

/** PyTorch's MLP: Flatten, Linear (Gemm with transB), ReLU, Dropout, Linear, LogSoftmax. */
export function torchMlp(): ModelProto {
  return model(
    [
      node("Flatten", ["input"], ["/Flatten_output_0"], { axis: 1 }),
      node("Gemm", ["/Flatten_output_0", "fc1.weight", "fc1.bias"], ["/fc1/Gemm_output_0"], { alpha: 1, beta: 1, transB: 1 }),
      node("Relu", ["/fc1/Gemm_output_0"], ["/relu/Relu_output_0"]),
      node("Dropout", ["/relu/Relu_output_0"], ["/dropout/Dropout_output_0"]),
      node("Gemm", ["/dropout/Dropout_output_0", "fc2.weight", "fc2.bias"], ["/fc2/Gemm_output_0"], { alpha: 1, beta: 1, transB: 1 }),
      node("LogSoftmax", ["/fc2/Gemm_output_0"], ["output"], { axis: 1 }),
    ],
    [weight("fc1.weight", [32, 48], 1), weight("fc1.bias", [32], 2), weight("fc2.weight", [10, 32], 3), weight("fc2.bias", [10], 4)],
    [floatInput("input", ["batch_size", 3, 4, 4])],
    ["output"],
  );
}

/** `x.view(x.size(0), -1)` as torch.onnx.export writes it with a dynamic batch. */
function constant(name: string, t: TensorProto): NodeProto {
  return { ...node("Constant", [], [name]), attribute: [{ name: "value", type: AttributeType.TENSOR, t }] };
}

function viewBySize(x: string, out: string): NodeProto[] {
  return [
    node("Shape", [x], ["/Shape_output_0"]),
    constant("/Constant_1_output_0", { name: "", dims: [], dataType: DataType.INT64, int64Data: [0] }),
    node("Gather", ["/Shape_output_0", "/Constant_1_output_0"], ["/Gather_output_0"], { axis: 0 }),
    constant("/Constant_2_output_0", int64s("", [0])),
    node("Unsqueeze", ["/Gather_output_0", "/Constant_2_output_0"], ["/Unsqueeze_output_0"]),
    constant("/Constant_3_output_0", int64s("", [-1])),
    node("Concat", ["/Unsqueeze_output_0", "/Constant_3_output_0"], ["/Concat_output_0"], { axis: 0 }),
    node("Reshape", [x, "/Concat_output_0"], [out]),
  ];
}

/**
 * PyTorch's small CNN: Conv (bias), BatchNorm, ReLU, MaxPool, Conv, AvgPool, a view (`view(-1, 16)`,
 * a constant shape, or `view(x.size(0), -1)`, computed from the input's), Linear, Softmax.
 */
export function torchCnn(view: "constant" | "size" = "constant"): ModelProto {
  const stats = (p: string, n: number, seed: number) => [
    weight(`${p}.weight`, [n], seed, 0.2),
    weight(`${p}.bias`, [n], seed + 1, 0.2),
    weight(`${p}.running_mean`, [n], seed + 2, 0.2),
    {
      ...weight(`${p}.running_var`, [n], seed + 3, 0.1),
      rawData: floatTensor(
        "",
        [n],
        Array.from({ length: n }, (_, i) => 0.5 + i / n),
      ).rawData,
    },
  ];
  return model(
    [
      node("Conv", ["input", "conv1.weight", "conv1.bias"], ["/conv1/Conv_output_0"], {
        kernel_shape: [3, 3],
        pads: [1, 1, 1, 1],
        strides: [1, 1],
      }),
      node(
        "BatchNormalization",
        ["/conv1/Conv_output_0", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"],
        ["/bn1/BatchNormalization_output_0"],
        { epsilon: 1e-5, momentum: 0.9 },
      ),
      node("Relu", ["/bn1/BatchNormalization_output_0"], ["/Relu_output_0"]),
      node("MaxPool", ["/Relu_output_0"], ["/pool/MaxPool_output_0"], { kernel_shape: [2, 2], strides: [2, 2] }),
      node("Conv", ["/pool/MaxPool_output_0", "conv2.weight", "conv2.bias"], ["/conv2/Conv_output_0"], { kernel_shape: [3, 3] }),
      node("AveragePool", ["/conv2/Conv_output_0"], ["/avg/AveragePool_output_0"], { kernel_shape: [2, 2], strides: [2, 2] }),
      ...(view === "size"
        ? viewBySize("/avg/AveragePool_output_0", "/Reshape_output_0")
        : [
            constant("/Constant_output_0", int64s("", [-1, 16])),
            node("Reshape", ["/avg/AveragePool_output_0", "/Constant_output_0"], ["/Reshape_output_0"]),
          ]),
      node("Gemm", ["/Reshape_output_0", "fc.weight", "fc.bias"], ["/fc/Gemm_output_0"], { alpha: 1, beta: 1, transB: 1 }),
      node("Softmax", ["/fc/Gemm_output_0"], ["probabilities"], { axis: 1 }),
    ],
    [
      weight("conv1.weight", [4, 1, 3, 3], 10),
      weight("conv1.bias", [4], 11),
      ...stats("bn1", 4, 12),
      weight("conv2.weight", [4, 4, 3, 3], 20),
      weight("conv2.bias", [4], 21),
      weight("fc.weight", [5, 16], 22),
      weight("fc.bias", [5], 23),
    ],
    [floatInput("input", ["N", 1, 12, 12])],
    ["probabilities"],
  );
}
