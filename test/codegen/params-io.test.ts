// A compiled module's loadParams and saveParams against nnc's own safetensors files: params nnc
// trained load into a module and predict as they did; what a module saves, nnc reads back; wrong
// files are Errors that say what is wrong.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import { loadParams as nncLoadParams, saveParams as nncSaveParams } from "../../src/runtime/checkpoint.js";
import { initValues } from "../../src/runtime/initializers.js";
import { decodeSafetensors } from "../../src/runtime/safetensors.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";

const g = graphOfFile(`${MODELS_DIR}/multi_layer_net_extend.nn`); // params and batch-norm state

describe("loadParams and saveParams of a compiled module", () => {
  for (const backend of ["js", "wasm"] as const) {
    it(`${backend}: reads the file nnc writes, and nnc reads what it saves`, async () => {
      const mod = await load(compileToString(g, { backend }));
      const dir = mkdtempSync(join(tmpdir(), "nnc-params-"));
      const path = join(dir, "params.safetensors");
      const trained = initValues(g, 7);
      nncSaveParams(path, g, trained);
      const loaded = mod.loadParams(readFileSync(path));
      expect(Object.keys(loaded).sort()).toEqual(Object.keys(trained).sort());
      for (const name in trained) expect(Array.from(loaded[name]!)).toEqual(Array.from(Float32Array.from(trained[name]!)));
      const x = Float32Array.from({ length: 3 * 784 }, (_, i) => Math.cos(i));
      const viaFile = Array.from(mod.predict(loaded, { x }).y!);
      const direct = Array.from(mod.predict(mod.adopt(mod.init(7)), { x }).y!);
      expect(viaFile).toEqual(direct);

      const saved = mod.saveParams(loaded);
      expect(decodeSafetensors(saved).metadata.model).toBe(g.model);
      const back = nncLoadParams(join(dir, "params.safetensors"), g);
      for (const name in back)
        expect(Array.from(decodeSafetensors(saved).tensors[name]!.data)).toEqual(Array.from(Float32Array.from(back[name]!)));
    });
  }

  it("says which tensor is missing or misshapen, and what is not a safetensors file", async () => {
    const mod = await load(compileToString(graphOfFile(`${MODELS_DIR}/two_layer_net.nn`), { backend: "js" }));
    const params = mod.init(1);
    const bytes = mod.saveParams(params);
    const other = await load(compileToString(graphOfFile(`${MODELS_DIR}/two_layer_net.nn`, { set: { hidden: "20" } }), { backend: "js" }));
    expect(() => other.loadParams(bytes)).toThrow(/tensor 'W1' has shape \[784, 50\], model TwoLayerNet needs \[784, 20\]/);
    const simple = await load(compileToString(graphOfFile(`${MODELS_DIR}/simple_net.nn`), { backend: "js" }));
    expect(() => simple.loadParams(bytes)).toThrow(/the file has no tensor 'W'; model SimpleNet holds W \[2, 3\]/);
    expect(() => mod.loadParams(new Uint8Array([1, 2, 3]))).toThrow(/loadParams: not a valid safetensors file \(too short\)/);
    expect(() => mod.saveParams({ W1: new Float32Array(3) })).toThrow(/saveParams: params\['W1'\] must be a float array of 39200 numbers/);
  });
});
