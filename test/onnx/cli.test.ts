// nnc export and nnc import on the command line: files written, and errors as diagnostics
// (file:line:col with a caret) or one-line messages, with the documented exit codes.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import { saveParams } from "../../src/runtime/checkpoint.js";
import { nnc, scratch } from "../support/cli.js";
import { graphOf } from "../support/models.js";
import { encodeModel } from "../../src/onnx/proto.js";
import { node, torchMlp } from "./build.js";

const NET = `model Net {
  input x: [batch, 4]
  target t: onehot[batch, 3]
  param W: [4, 3] = normal(1)
  param b: [3] = zeros
  scores = x @ W + b
  output y = softmax(scores)
  loss softmax_cross_entropy(scores, t)
}
`;

describe("nnc export and nnc import", () => {
  it("export writes an ONNX file that import turns back into a .nn file and weights that check", async () => {
    const s = scratch("nnc-onnx-");
    const file = s.put("net.nn", NET);
    const g = graphOf(NET);
    saveParams(join(s.dir, "params.safetensors"), g, (await load(compileToString(g))).init(1));
    const exported = await nnc("export", file, "--params", join(s.dir, "params.safetensors"), "-o", join(s.dir, "net.onnx"));
    expect(exported.err).toBe("");
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/net\.nn: Net -> .*net\.onnx \(ONNX, opset 17, 0\.\d KiB\)/);
    const imported = await nnc("import", join(s.dir, "net.onnx"), "-o", join(s.dir, "back", "net-copy.nn"));
    expect(imported.code).toBe(0);
    expect(imported.out).toContain("NetCopy -> ");
    expect(existsSync(join(s.dir, "back", "net-copy.safetensors"))).toBe(true);
    const text = readFileSync(join(s.dir, "back", "net-copy.nn"), "utf8");
    expect(text).toContain("model NetCopy {");
    expect(text).toContain("scores = x @ W + b");
    expect((await nnc("check", join(s.dir, "back", "net-copy.nn"))).code).toBe(0);
  });

  it("export of a model without outputs is an error at the model, with a caret", async () => {
    const s = scratch("nnc-onnx-");
    const file = s.put("bowl.nn", "model Bowl {\n  param x: [1] = 3\n  loss sum(x ** 2)\n}\n");
    saveParams(join(s.dir, "p.safetensors"), graphOf(readFileSync(file, "utf8")), { x: Float32Array.of(3) });
    const r = await nnc("export", file, "--params", join(s.dir, "p.safetensors"), "-o", join(s.dir, "bowl.onnx"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^.*bowl\.nn:1:7: error: model Bowl has no outputs to export: declare what it predicts with 'output y = \.\.\.'\n {2}model Bowl \{\n {8}\^~~~\n$/,
    );
    expect(existsSync(join(s.dir, "bowl.onnx"))).toBe(false);
  });

  it("usage errors: no --params, no -o, an opset nnc does not write", async () => {
    const file = scratch("nnc-onnx-").put("net.nn", NET);
    expect(await nnc("export", file, "-o", "x.onnx")).toMatchObject({ code: 2, err: expect.stringContaining("--params is required") });
    expect(await nnc("export", file, "--params", "p")).toMatchObject({ code: 2, err: expect.stringContaining("give the output file") });
    const opset = await nnc("export", file, "--params", "p", "-o", "x.onnx", "--opset", "9");
    expect(opset).toMatchObject({ code: 2, err: expect.stringContaining("--opset must be one of 17, 18, 19, 20, 21, got '9'") });
  });

  it("import of a file that is not ONNX, or of an unsupported op, says so in one line", async () => {
    const s = scratch("nnc-onnx-");
    const junk = await nnc("import", s.put("junk.onnx", "not a model at all"), "-o", join(s.dir, "j.nn"));
    expect(junk.code).toBe(1);
    expect(junk.err).toMatch(/^nnc: error: .*junk\.onnx: not an ONNX model \(/);
    const m = torchMlp();
    const lstm = { ...m, graph: { ...m.graph!, node: [node("LSTM", ["input"], ["output"])] } };
    const r = await nnc("import", s.put("lstm.onnx", encodeModel(lstm)), "-o", join(s.dir, "l.nn"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^nnc: error: .*lstm\.onnx: node 'output' \(LSTM\): op LSTM is not supported; nnc imports Add, /);
    expect(existsSync(join(s.dir, "l.nn"))).toBe(false);
  });
});
