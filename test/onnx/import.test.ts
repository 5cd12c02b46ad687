// `nnc import` on ONNX written as PyTorch writes it (test/onnx/build.ts): the .nn file reads
// like a hand-written one, and the compiled module, fed the weights file through its own
// loadParams, predicts what onnxruntime predicts on the same ONNX. Unsupported ops, attributes
// and data types are errors naming the node, the op and what is supported.
import { describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import { ImportError, importModel, type Imported } from "../../src/onnx/import/index.js";
import { DataType, decodeModel, encodeModel, type ModelProto } from "../../src/onnx/proto.js";
import { encodeSafetensors } from "../../src/prelude/safetensors.js";
import { createRng } from "../../src/runtime/rng.js";
import { graphOf } from "../support/models.js";
import { floatInput, model, node, torchCnn, torchMlp, weight } from "./build.js";
import { expectClose, runOnnx } from "./support.js";

/** The imported module, its params read back by the module's own loadParams from safetensors bytes. */
async function compiled(imported: Imported) {
  const mod = await load(compileToString(graphOf(imported.nn, {}, "imported.nn")));
  return { mod, params: mod.loadParams(encodeSafetensors(imported.tensors)) };
}

function random(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

async function agrees(onnx: ModelProto, shape: number[], batches = [1, 7]): Promise<Imported> {
  const bytes = encodeModel(onnx);
  const imported = importModel(decodeModel(bytes));
  const { mod, params } = await compiled(imported);
  const [inName] = Object.keys(imported.inputs);
  const [outName] = Object.keys(imported.outputs);
  for (const batch of batches) {
    const x = random([batch, ...shape.slice(1)], batch);
    const expected = (await runOnnx(bytes, { [inName!]: { data: x, shape: [batch, ...shape.slice(1)] } }))[outName!]!;
    const actual = mod.predict(params, { [imported.inputs[inName!]!]: x })[imported.outputs[outName!]!]!;
    expectClose(actual, expected, `${outName} at batch ${batch}`);
  }
  return imported;
}

function importError(m: ModelProto): string {
  try {
    importModel(m);
  } catch (e) {
    if (e instanceof ImportError) return e.message;
    throw e;
  }
  throw new Error("expected an ImportError");
}

describe("import of PyTorch-style ONNX", () => {
  it("an MLP reads as dense layers over params named after PyTorch's, and predicts as onnxruntime does", async () => {
    const imported = await agrees(torchMlp(), [1, 3, 4, 4]);
    expect(imported.nn).toContain("input input_: [batch, 3, 4, 4]");
    expect(imported.nn).toContain("param fc1_weight: [48, 32] = zeros  # fc1.weight, transposed");
    expect(imported.nn).toContain("fc1_Gemm = Flatten @ fc1_weight + fc1_bias");
    expect(imported.nn).toContain("output_ = log_softmax(fc2_Gemm)");
    expect(imported.nn).toContain("output output_\n");
    expect(imported.tensors["fc1_weight"]!.shape).toEqual([48, 32]);
  });

  it("a CNN (Conv with bias, BatchNormalization, MaxPool, AveragePool, a view, Linear, Softmax) predicts as onnxruntime does", async () => {
    const imported = await agrees(torchCnn(), [1, 1, 12, 12]);
    expect(imported.nn).toContain("conv2d(input_, conv1_weight, pad = 1) + conv1_bias");
    expect(imported.nn).toMatch(/bn1_BatchNormalization = batchnorm\(conv1_Conv, eps = 0\.0000\d+\)/);
    expect(Object.keys(imported.tensors)).toContain("bn1_BatchNormalization.running_var");
    expect(imported.nn).toContain("reshape(avg_AveragePool, [batch, 16])");
  });

  it("a view computed from the input's size (Shape, Gather, Unsqueeze, Concat) is a reshape to [batch, n]", async () => {
    const imported = await agrees(torchCnn("size"), [1, 1, 12, 12]);
    expect(imported.nn).toContain("Reshape = reshape(avg_AveragePool, [batch, 16])");
  });

  it("Gemm's alpha, beta and transA, MatMul, and names that are not identifiers", async () => {
    const m = model(
      [
        node("Gemm", ["x", "w.0", "c"], ["1st value"], { alpha: 0.5, beta: 2, transA: 1 }),
        node("MatMul", ["1st value", "w.0"], ["model"]),
        node("Tanh", ["model"], ["out:0"]),
      ],
      [weight("w.0", [3, 3], 1), weight("c", [3], 2)],
      [floatInput("x", [3, 3])],
      ["out:0"],
    );
    const imported = await agrees(m, [3, 3], [3]);
    expect(imported.nn).toContain("v1st_value = transpose(x) @ w_0 + c");
    expect(imported.outputs).toEqual({ "out:0": "out_0" });
  });
});

describe("import of outputs that are not computed", () => {
  it("an initializer as an output is a param, and an input can be an output too", async () => {
    const m = model([node("Identity", ["w"], ["weights"])], [weight("w", [2, 2], 1)], [floatInput("x", ["batch", 2])], ["weights", "x"]);
    const imported = importModel(m);
    expect(imported.nn).toContain("output weights = w");
    expect(imported.nn).toContain("output x\n");
    const { mod, params } = await compiled(imported);
    const out = mod.predict(params, { x: Float32Array.of(1, 2) });
    expect(Array.from(out["weights"]!)).toEqual(Array.from(imported.tensors["w"]!.data));
  });
});

describe("import errors name the node, the op and what is supported", () => {
  const mlp = torchMlp();
  const g = mlp.graph!;
  it("an unsupported op", () => {
    const m = { ...mlp, graph: { ...g, node: [...g.node.slice(0, 2), node("LSTM", ["/fc1/Gemm_output_0"], ["/relu/Relu_output_0"])] } };
    expect(importError(m)).toMatch(
      /^node '\/relu\/Relu' \(LSTM\): op LSTM is not supported; nnc imports Add, AveragePool, BatchNormalization, .*Gemm/,
    );
  });
  it("an unsupported attribute", () => {
    const m = {
      ...mlp,
      graph: { ...g, node: g.node.map((n) => (n.opType === "Relu" ? node("LeakyRelu", n.input, n.output, { beta: 1 }) : n)) },
    };
    expect(importError(m)).toBe("node '/relu/Relu' (LeakyRelu): attribute 'beta' is not supported (supported: alpha)");
  });
  it("an unsupported data type", () => {
    const m = { ...mlp, graph: { ...g, input: [floatInput("input", ["batch_size", 3, 4, 4], DataType.INT64)] } };
    expect(importError(m)).toBe("input 'input' has data type INT64; nnc imports float tensors (FLOAT, DOUBLE)");
  });
  it("a shape computed from tensor values at run time", () => {
    const m = torchCnn();
    const nodes = m.graph!.node.map((n) => (n.opType === "Reshape" ? { ...n, input: [n.input[0]!, "/Relu_output_0"] } : n));
    expect(importError({ ...m, graph: { ...m.graph!, node: nodes } })).toBe(
      "node '/Reshape' (Reshape): the target shape is computed from tensor values at run time; nnc imports a shape known from the input's",
    );
  });
});
