// `nnc export` against onnxruntime: every model in models/ that has outputs, briefly trained on
// MNIST where it reads MNIST (so weights and batch-norm statistics are not their initial
// values), predicts in onnxruntime what nnc's compiled module predicts, on MNIST test images and
// on random inputs; the fused forms (Gemm, Softmax, BatchNormalization) are what is written.
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import type { Graph } from "../../src/graph/ir.js";
import { loadMnist, subset, type Dataset } from "../../src/runtime/data/index.js";
import { createRng } from "../../src/runtime/rng.js";
import { train } from "../../src/runtime/train.js";
import { exportModel } from "../../src/onnx/export.js";
import { diagnosticsOf, graphOf, graphOfFile, MODELS_DIR, modelFiles } from "../support/models.js";
import { concrete, expectClose, runOnnx, type Feeds } from "./support.js";

type Params = Record<string, Float32Array | Float64Array>;

async function trained(
  g: Graph,
  data: Dataset | undefined,
): Promise<{ predict: (x: Feeds) => Record<string, Float32Array>; params: Params }> {
  const mod = await load(compileToString(g, { backend: "wasm" }));
  let params: Params = mod.init(7);
  if (data && g.loss !== undefined) {
    // A few steps (fewer for the conv nets, whose JS kernels are slower) move every param and statistic.
    const conv = g.inputs[0]!.shape.length === 4;
    const config = {
      optimizer: { name: "sgd", args: { lr: 0.05 } },
      batchSize: conv ? 20 : 50,
      iters: conv ? 4 : 20,
      seed: 7,
      weightDecay: 0,
      evaluate: false,
    };
    params = train(g, mod, { train: data }, config).params;
  }
  const predict = (feeds: Feeds) => {
    const out = mod.predict(params, Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.data])));
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Float32Array.from(v)]));
  };
  return { predict, params };
}

function randomFeeds(g: Graph, batch: number, seed: number): Feeds {
  const rng = createRng(seed);
  const feeds: Record<string, Feeds[string]> = {};
  for (const i of g.inputs.filter((s) => s.role === "input")) {
    const shape = concrete(i.shape, batch);
    feeds[i.name] = { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()) };
  }
  return feeds;
}

/** The MNIST input's shape after the batch: [784], or [1, 28, 28] for the conv nets. */
function mnistShape(g: Graph): number[] | undefined {
  const x = g.inputs.find((i) => i.role === "input");
  const rest = x?.shape.slice(1).join();
  return rest === "784" ? [784] : rest === "1,28,28" ? [1, 28, 28] : undefined;
}
const readsMnist = (g: Graph) => mnistShape(g) !== undefined;

describe("export to ONNX", () => {
  let mnist: { train: Dataset; test: Dataset };
  beforeAll(() => {
    const all = loadMnist();
    mnist = { train: subset(all.train, 1000), test: all.test };
  });

  const models = modelFiles().map((f) => ({ file: basename(f), g: graphOfFile(f) }));
  it.each(models.filter((m) => m.g.outputs.length > 0))("$file: onnxruntime predicts what nnc predicts", async ({ g }) => {
    const { predict, params } = await trained(g, readsMnist(g) ? mnist.train : undefined);
    const model = exportModel(g, params);
    const feedsList = [randomFeeds(g, 3, 1), randomFeeds(g, 1, 2)];
    if (readsMnist(g)) feedsList.push({ x: { data: mnist.test.x.slice(0, 100 * 784), shape: [100, ...mnistShape(g)!] } });
    for (const feeds of feedsList) {
      const expected = predict(feeds);
      const actual = await runOnnx(model, feeds);
      for (const o of g.outputs) expectClose(actual[o.name]!, expected[o.name]!, o.name);
    }
  });

  it("writes a dense layer as Gemm, softmax as Softmax, batch norm as BatchNormalization, with a symbolic batch", async () => {
    const g = graphOfFile(join(MODELS_DIR, "multi_layer_net_extend.nn"), { set: { depth: "1" } });
    const model = exportModel(g, (await load(compileToString(g))).init(1));
    expect(model.graph!.node.map((n) => n.opType)).toEqual(["Gemm", "BatchNormalization", "Relu", "Gemm", "Softmax"]);
    expect(model.graph!.input.map((i) => [i.name, i.type?.tensorType?.shape?.dim?.map((d) => d.dimParam ?? d.dimValue)])).toEqual([
      ["x", ["batch", 784]],
    ]);
    expect(model.graph!.output.map((o) => o.name)).toEqual(["y"]);
    expect(model.opsetImport).toEqual([{ domain: "", version: 17 }]);
  });

  it("writes log_softmax as LogSoftmax, dropout as a scale, and each activation so that onnxruntime agrees", async () => {
    const g = graphOf(`model Acts {
      input x: [batch, 6]
      param W: [6, 6] = normal(1)
      h = dropout(x @ W, 0.25)
      output a = log_softmax(h)
      output b = gelu(h) + silu(h) + elu(h, 0.5) + leaky_relu(h, 0.2) + softplus(h) + tanh(h) + erf(h)
      output c = sqrt(exp(-h)) * log(sigmoid(h)) / (1 + maximum(h, 0) ** 2) - relu(h)
      output d = sum(reshape(h, [batch, 2, 3]), 2)
      output e = mean(h, 1, keepdims = 1) + max(h, 0) + mean(h, 0)
      output f = transpose(h)
      output g = transpose(reshape(h, [batch, 2, 3]), [2, 0, 1])
    }`);
    const { predict, params } = await trained(g, undefined);
    const model = exportModel(g, params);
    expect(model.graph!.node.map((n) => n.opType)).toContain("LogSoftmax");
    for (const opset of [17, 18, 20]) {
      const feeds = randomFeeds(g, 4, opset);
      const actual = await runOnnx(exportModel(g, params, { opset }), feeds);
      const expected = predict(feeds);
      for (const o of g.outputs) expectClose(actual[o.name]!, expected[o.name]!, `${o.name} at opset ${opset}`);
    }
  });
});

describe("transpose with a permutation (what ONNX's Transpose imports as)", () => {
  it("is an error at the call when perm is not a permutation of the axes", () => {
    const text = "model T {\n  input x: [batch, 2, 3]\n  output y = transpose(x, [0, 0, 1])\n}";
    expect(diagnosticsOf(text)).toContain(
      "test.nn:3:14: error: transpose of [batch, 2, 3] needs a permutation of its 3 axes, got [0, 0, 1]",
    );
    expect(diagnosticsOf(text.replace(", [0, 0, 1]", ""))).toContain(
      "transpose needs a 2-D tensor, got shape [batch, 2, 3]; give perm for more axes",
    );
  });
});

describe("export of convolutional networks", () => {
  const CONV = `model ConvNet {
    input x: [batch, 1, 28, 28]
    param W1: [8, 1, 5, 5] = he
    param b1: [8, 1, 1] = normal(0.1)
    param W2: [392, 10] = he
    param b2: [10] = normal(0.1)
    h = batchnorm(relu(conv2d(x, W1, pad = 2) + b1))
    p = avg_pool(max_pool(h, 2), 3, stride = 2, pad = 1)
    output y = softmax(flatten(dropout(p, 0.3)) @ W2 + b2)
  }`;

  it("writes Conv (with its bias), BatchNormalization, MaxPool, AveragePool and Flatten, and onnxruntime agrees", async () => {
    const g = graphOf(CONV);
    const { predict, params } = await trained(g, undefined);
    // Batch-norm statistics away from their initial 0 and 1, so that the export must carry them.
    const rng = createRng(5);
    for (const k of ["h.running_mean", "h.running_var", "h.gamma", "h.beta"]) params[k] = params[k]!.map(() => 0.5 + rng.next());
    const model = exportModel(g, params);
    const ops = model.graph!.node.map((n) => n.opType);
    expect(ops).toEqual(["Reshape", "Conv", "Relu", "BatchNormalization", "MaxPool", "AveragePool", "Mul", "Flatten", "Gemm", "Softmax"]);
    for (const batch of [1, 5]) {
      const feeds = randomFeeds(g, batch, batch);
      expectClose((await runOnnx(model, feeds)).y!, predict(feeds).y!, `y at batch ${batch}`);
    }
  });
});
