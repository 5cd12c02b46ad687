// The ONNX backend conformance node tests for the ops nnc imports (test/fixtures/onnx-node, made
// by scripts/onnx-node-fixtures.py from the onnx package): each model is imported, compiled by
// nnc and run on the test's inputs, and must give its outputs; the cases nnc does not support
// must fail with an error naming the node, the op and what is supported. Per-op counts are
// printed (README quotes them).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { frontend } from "../../src/index.js";
import { ImportError, importModel } from "../../src/onnx/import/index.js";
import { readTensor } from "../../src/onnx/import/tensors.js";
import { decodeModel, decodeTensor } from "../../src/onnx/proto.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "onnx-node");
const CASES = readdirSync(DIR).filter((d) => d.startsWith("test_"));

/** What nnc does not import, by test name, and the error that says so. */
const UNSUPPORTED: readonly (readonly [RegExp, string])[] = [
  [/_u?int(8|16|32|64)(_|$)|_int32_trunc$/, "nnc imports float tensors"],
  [/^test_training_dropout/, "has data type BOOL"],
  [/^test_dropout_default_mask/, "its mask output is not supported"],
  // The target shape is an input of these tests, fed at run time.
  [/^test_reshape_/, "input 'shape' has data type INT64"],
  [/^test_matmul_(1d|3d|4d|bcast)/, "nnc supports rank 2 here"],
  [/^test_batchnorm_.*_training_mode$/, "training_mode = 1 is not supported"],
  // Their statistics are graph inputs, fed at run time; nnc's batchnorm holds them as state.
  [/^test_batchnorm_(epsilon|example)$/, "must be initializers or constants"],
  [/^test_(average|max)pool_(1d|3d)_/, "nnc supports rank 4 here"],
  [/_dilations/, "dilations [2,2] are not supported"],
  [/^test_(average|max)pool_2d_ceil/, "ceil_mode = 1 is not supported"],
  [/^test_(max|average)pool_2d_same_(upper|lower)$/, "pads the sides unequally"],
  [/^test_averagepool_2d_(pads|precomputed_pads|precomputed_same_upper)$/, "count_include_pad = 0 with padding is not supported"],
  [/asymmetric_padding$/, "differ by side"],
  [/^test_maxpool_with_argmax/, "second output (indices) is not supported"],
];

const readPb = (path: string) => readTensor(decodeTensor(readFileSync(path)))!;

/** The op a case tests: its graph's node that is not a Constant. */
function opOf(model: ReturnType<typeof decodeModel>): string {
  return model.graph!.node.find((n) => n.opType !== "Constant")?.opType ?? "Constant";
}

async function run(name: string): Promise<void> {
  const model = decodeModel(readFileSync(join(DIR, name, "model.onnx")));
  const imported = importModel(model);
  const r = frontend(imported.nn, `${name}.nn`);
  if (r.diagnostics.some((d) => d.severity === "error")) throw new Error(formatDiagnostics(r.diagnostics, r.sources));
  const mod = await load(compileToString(r.graphs[0]!, { backend: "js" }));
  const params = Object.fromEntries(Object.entries(imported.tensors).map(([k, v]) => [k, v.data]));
  const graph = model.graph!;
  for (let s = 0; existsSync(join(DIR, name, `test_data_set_${s}`)); s++) {
    const data = join(DIR, name, `test_data_set_${s}`);
    const inputs = Object.fromEntries(
      graph.input
        .filter((i) => imported.inputs[i.name])
        .map((i, j) => [imported.inputs[i.name]!, readPb(join(data, `input_${j}.pb`)).data]),
    );
    const out = mod.predict(params, inputs);
    graph.output.forEach((o, j) => {
      const expected = readPb(join(data, `output_${j}.pb`)).data;
      const actual = out[imported.outputs[o.name]!]!;
      expect(actual.length).toBe(expected.length);
      // onnx's backend tests compare with rtol 1e-3, atol 1e-7 (numpy's assert_allclose).
      expected.forEach((e, i) => expect(Math.abs(actual[i]! - e), `${o.name}[${i}]`).toBeLessThanOrEqual(1e-7 + 1e-3 * Math.abs(e)));
    });
  }
}

describe("ONNX backend node tests", () => {
  const counts = new Map<string, { pass: number; total: number }>();
  afterAll(() => {
    const rows = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([op, c]) => `${op} ${c.pass}/${c.total}`);
    console.log(`ONNX node tests passed, per op: ${rows.join(", ")}`);
  });

  it.each(CASES)("%s", async (name) => {
    const op = opOf(decodeModel(readFileSync(join(DIR, name, "model.onnx"))));
    const c = counts.get(op) ?? { pass: 0, total: 0 };
    counts.set(op, { ...c, total: c.total + 1 });
    const unsupported = UNSUPPORTED.find(([re]) => re.test(name));
    if (unsupported) {
      await expect(run(name)).rejects.toThrow(ImportError);
      await expect(run(name)).rejects.toThrow(unsupported[1]);
      return;
    }
    await run(name);
    counts.set(op, { pass: c.pass + 1, total: c.total + 1 });
  });
});
