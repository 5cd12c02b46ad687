// The compiled module's contract (src/codegen/contract.ts) against what a module really is: it
// exports exactly the contract's names on both backends, its .d.ts declares each of them, and a
// strict TypeScript program that calls every export against the .d.ts compiles.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { compileModule, load } from "../../src/codegen/index.js";
import { EXPORTS } from "../../src/codegen/contract.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";

const g = graphOfFile(`${MODELS_DIR}/two_layer_net.nn`);
const names = Object.keys(EXPORTS).sort();

/** A consumer that uses every export with the types a user would write. */
const CONSUMER = `
import { meta, init, predict, lossAndGrads, batchBuffers, adopt, threads, zeros, updateSgd, updateAdam, updateMomentum, loadParams, saveParams } from "./model.js";
import type { Params, Grads, Inputs, Batch, Outputs, ModelMeta } from "./model.js";
const m: ModelMeta = meta;
const params: Params = adopt(init(42));
const x = new Float32Array(2 * 784);
const inputs: Inputs = { x };
const out: Outputs = predict(params, inputs);
const y: Float32Array = out.y;
const batch: Batch = batchBuffers(2);
const r: { loss: number; grads: Grads } = lossAndGrads(params, batch, { seed: 1 });
const n: number = threads();
const m1 = zeros(params.W1.length);
const v1 = zeros(params.W1.length);
const done: boolean = updateSgd(params.W1, r.grads.W1, 0.1) && updateAdam(params.W1, r.grads.W1, m1, v1, 0.001, 0.9, 0.999, 1e-8, 0) && updateMomentum(params.W1, r.grads.W1, v1, 0.01, 0.9, true);
const bytes: Uint8Array = saveParams(params);
const back: Params = loadParams(bytes);
export const used = [m.model, y[0], n, done, back.W1.length];
`;

describe("the compiled module's contract", () => {
  for (const backend of ["js", "wasm"] as const) {
    it(`a ${backend} module exports exactly the contract's names, each declared in its .d.ts`, async () => {
      const { js, dts } = await compileModule(g, { backend });
      const mod = await load(js);
      expect(Object.keys(mod).sort()).toEqual(names);
      for (const name of names) expect(dts).toMatch(new RegExp(`export declare (const|function) ${name}\\b`));
    });
  }

  it("a strict TypeScript program using every export compiles against the .d.ts", async () => {
    const { js, dts } = await compileModule(g, { backend: "wasm" });
    const dir = mkdtempSync(join(tmpdir(), "nnc-contract-"));
    writeFileSync(join(dir, "model.js"), js);
    writeFileSync(join(dir, "model.d.ts"), dts);
    writeFileSync(join(dir, "consumer.ts"), CONSUMER);
    const program = ts.createProgram([join(dir, "consumer.ts")], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noUncheckedIndexedAccess: true,
      types: [],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
  });
});
