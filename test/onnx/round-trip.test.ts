// .nn -> nnc export -> nnc import -> compile predicts what the original module predicts, for
// every model in models/ with outputs and a convolutional network (params away from their
// initial values, batch-norm statistics included).
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import type { Graph } from "../../src/graph/ir.js";
import { exportModel } from "../../src/onnx/export.js";
import { importModel } from "../../src/onnx/import/index.js";
import { decodeModel, encodeModel } from "../../src/onnx/proto.js";
import { encodeSafetensors } from "../../src/prelude/safetensors.js";
import { createRng } from "../../src/runtime/rng.js";
import { graphOf, graphOfFile, modelFiles } from "../support/models.js";
import { concrete, expectClose } from "./support.js";

const CONV = `model ConvNet {
  input x: [batch, 3, 8, 8]
  param W1: [4, 3, 3, 3] = he
  param b1: [4, 1, 1] = zeros
  param W2: [64, 5] = he
  param b2: [5] = zeros
  h = max_pool(batchnorm(relu(conv2d(x, W1, pad = 1) + b1)), 2)
  output y = log_softmax(flatten(dropout(avg_pool(h, 3, stride = 1, pad = 1), 0.5)) @ W2 + b2)
}`;

const cases = [...modelFiles().map((f) => ({ name: basename(f), g: graphOfFile(f) })), { name: "ConvNet", g: graphOf(CONV) }].filter(
  (c) => c.g.outputs.length > 0,
);

async function roundTrip(g: Graph) {
  const original = await load(compileToString(g));
  const rng = createRng(3);
  // Every param and statistic moved off its initial value (variances kept positive).
  const params = Object.fromEntries(Object.entries(original.init(1)).map(([k, v]) => [k, v.map((x) => x + 0.5 + 0.5 * rng.next())]));
  const imported = importModel(decodeModel(encodeModel(exportModel(g, params))));
  const copy = await load(compileToString(graphOf(imported.nn, {}, "imported.nn")));
  return { original, params, imported, copy, copyParams: copy.loadParams(encodeSafetensors(imported.tensors)) };
}

describe("round trip through ONNX", () => {
  it.each(cases)("$name: the imported model predicts as the original", async ({ g }) => {
    const { original, params, imported, copy, copyParams } = await roundTrip(g);
    const rng = createRng(9);
    const inputs = Object.fromEntries(
      g.inputs
        .filter((i) => i.role === "input")
        .map((i) => [i.name, Float32Array.from({ length: concrete(i.shape, 4).reduce((a, b) => a * b, 1) }, () => rng.normal())]),
    );
    // The export keeps the .nn names of inputs and outputs, and the import keeps them too.
    expect(Object.values(imported.inputs)).toEqual(Object.keys(inputs));
    const expected = original.predict(params, inputs);
    const actual = copy.predict(copyParams, inputs);
    for (const o of g.outputs) expectClose(actual[imported.outputs[o.name]!]!, expected[o.name]!, o.name);
  });
});
