// `nnc compile` end to end: the module it writes runs in plain Node from a folder with no
// node_modules (it imports nothing) and trains like the interpreter; its .d.ts type-checks a
// consumer with tsc and rejects a wrong one.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MODELS_DIR } from "../support/models.js";
import { relativeError } from "./compare.js";
import { nnc, runStandaloneTwoLayerNet } from "./standalone.js";

const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "nnc-compile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("nnc compile", () => {
  const model = join(dir, "two_layer_net.js");

  it("writes OUT.js and OUT.d.ts; WebAssembly by default, plain JS with --backend js", async () => {
    const fast = nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", join(dir, "default.js"));
    expect(await fast.code, fast.err.join("")).toBe(0);
    expect(fast.out.join("")).toMatch(/\(f32, wasm\)/);
    const r = nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", model, "--backend", "js");
    expect(await r.code, r.err.join("")).toBe(0);
    expect(r.out.join("")).toMatch(/TwoLayerNet -> .*two_layer_net\.js and .*two_layer_net\.d\.ts \(f32\)/);
    expect(readFileSync(model, "utf8")).not.toMatch(/^import /m);
    expect(readFileSync(join(dir, "two_layer_net.d.ts"), "utf8")).toContain("export declare function lossAndGrads(");
  });

  it("runs in plain Node from a folder without node_modules, matching the interpreter", () => {
    const { stderr, got, ref } = runStandaloneTwoLayerNet(dir, 3);
    expect(stderr).toBe("");
    expect(Number.isFinite(got.loss)).toBe(true);
    expect(relativeError([got.loss], [ref.loss!])).toBeLessThan(1e-5);
    expect(relativeError(got.grads.W1!, ref.grads.W1!.data)).toBeLessThan(1e-3);
    expect(relativeError(got.grads.b2!, ref.grads.b2!.data)).toBeLessThan(1e-3);
  });

  it("its .d.ts type-checks a consumer with tsc, and rejects a wrong one", () => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const tsc = (file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      const options = {
        strict: true,
        noEmit: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        lib: ["es2022"],
        types: [],
      };
      writeFileSync(join(dir, `tsconfig.${file}.json`), JSON.stringify({ compilerOptions: options, files: [file] }));
      return spawnSync(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", `tsconfig.${file}.json`], { cwd: dir, encoding: "utf8" });
    };
    const good = tsc(
      "good.ts",
      `import { init, lossAndGrads, meta, predict, type Params } from "./two_layer_net.js";
const params: Params = init(0);
const y: Float32Array = predict(params, { x: new Float32Array(784) }).y;
const { loss, grads } = lossAndGrads(params, { x: new Float64Array(784), t: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0] }, { seed: 1 });
const w: Float32Array = grads.W1;
const n: number = loss + meta.params.length + y.length + w.length;
export { n };
`,
    );
    expect(good.stdout + good.stderr).toBe("");
    expect(good.status).toBe(0);
    const bad = tsc(
      "bad.ts",
      `import { init, lossAndGrads } from "./two_layer_net.js";
const params = init();
lossAndGrads(params, { x: new Float32Array(784) }).grads.W3;
`,
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/Property 't' is missing/);
    expect(bad.stdout).toMatch(/Property 'W3' does not exist/);
  });

  it("reports usage errors with exit code 2", async () => {
    expect(await nnc("compile", `${MODELS_DIR}/two_layer_net.nn`).code).toBe(2);
    expect(await nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", model, "--batch", "0").code).toBe(2);
    expect(await nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", model, "--dtype", "f16").code).toBe(2);
    expect(await nnc("compile", join(dir, "missing.nn"), "-o", model).code).toBe(2);
  });

  it("says what it cannot compile, with exit code 1", async () => {
    const file = join(dir, "square.nn");
    writeFileSync(file, "model M {\n  input x: [batch, batch]\n  output y = 2 * x\n}\n");
    const r = nnc("compile", file, "-o", join(dir, "square.js"));
    expect(await r.code).toBe(1);
    expect(r.err.join("")).toContain("cannot compile input 'x': its shape [batch, batch] has more than one batch dimension");
  });

  it("fixes the batch size with --batch and says so when inputs disagree", async () => {
    const fixed = join(dir, "fixed.mjs");
    expect(await nnc("compile", `${MODELS_DIR}/simple_net.nn`, "-o", fixed, "--batch", "4", "--dtype", "f64").code).toBe(0);
    expect(readFileSync(join(dir, "fixed.d.mts"), "utf8")).toContain("Float64Array");
    const m = await import(fixed);
    const params = m.init();
    expect(m.predict(params, { x: new Float64Array(8) }).y.length).toBe(12);
    expect(() => m.predict(params, { x: new Float64Array(6) })).toThrow(/compiled for batch size 4, input 'x' has 3 rows/);
  });
});
