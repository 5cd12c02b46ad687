// `--backend wasm` end to end: `nnc compile` writes a module with its WebAssembly inside that
// runs in plain Node from a folder with no node_modules and matches the interpreter; f64 falls
// back to js with a note; a wrong backend is a usage error.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executableFor } from "../../src/runtime/backend.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";
import { relativeError } from "./compare.js";
import { nnc, runStandaloneTwoLayerNet } from "./standalone.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-wasm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("nnc compile --backend wasm", () => {
  const model = join(dir, "two_layer_net.js");

  it("writes a standalone module that trains like the interpreter in plain Node", async () => {
    const r = nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", model, "--backend", "wasm");
    expect(await r.code, r.err.join("")).toBe(0);
    expect(r.out.join("")).toContain("(f32, wasm)");
    const text = readFileSync(model, "utf8");
    expect(text).not.toMatch(/^import /m);
    expect(text).toContain("await WebAssembly.instantiate(");
    const { stderr, got, ref } = runStandaloneTwoLayerNet(dir, 5);
    expect(stderr).toBe("");
    expect(relativeError([got.loss], [ref.loss!])).toBeLessThan(1e-5);
    expect(relativeError(got.grads.W1!, ref.grads.W1!.data)).toBeLessThan(5e-3);
    expect(relativeError(got.grads.b1!, ref.grads.b1!.data)).toBeLessThan(5e-3);
  });

  it("uses fused multiply-adds where relaxed SIMD validates (Node 20: behind a flag), within the same tolerance", async () => {
    expect(await nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", model).code).toBe(0);
    const { stderr, got, ref } = runStandaloneTwoLayerNet(dir, 64, ["--experimental-wasm-relaxed-simd"]);
    expect(stderr).toBe("");
    expect(relativeError([got.loss], [ref.loss!])).toBeLessThan(1e-5);
    expect(relativeError(got.grads.W1!, ref.grads.W1!.data)).toBeLessThan(5e-3);
    const plain = runStandaloneTwoLayerNet(dir, 64, ["--experimental-wasm-relaxed-simd"], { NNC_FMA: "0" });
    // Fused sums round differently: a sign that the fused kernels ran.
    expect(got.grads.W1).not.toEqual(plain.got.grads.W1);
  });

  it("skips zeros of inputs by default; --no-zero-skipping keeps every product dense", async () => {
    const dense = join(dir, "dense.js");
    expect(await nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", model).code).toBe(0);
    expect(await nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", dense, "--no-zero-skipping").code).toBe(0);
    expect(readFileSync(model, "utf8")).toContain("x · W1 in WebAssembly (f32x4 register tiles, skipping");
    expect(readFileSync(dense, "utf8")).toContain("x · W1 in WebAssembly (f32x4 register tiles), operands");
    expect(readFileSync(dense, "utf8")).not.toContain("skipping op(A)'s zeros");
  });

  it("keeps f64 on js with a note, and rejects an unknown backend", async () => {
    const f64 = nnc("compile", `${MODELS_DIR}/simple_net.nn`, "-o", join(dir, "f64.js"), "--dtype", "f64", "--backend", "wasm");
    expect(await f64.code).toBe(0);
    expect(f64.err.join("")).toContain("note: the wasm backend computes in float32");
    expect(readFileSync(join(dir, "f64.js"), "utf8")).not.toContain("WebAssembly");
    expect(await nnc("compile", `${MODELS_DIR}/simple_net.nn`, "-o", join(dir, "x.js"), "--backend", "gpu").code).toBe(2);
  });
});

describe("executableFor", () => {
  it("picks wasm for f32 and js for f64 by default, and what is asked for", async () => {
    const g = graphOfFile(`${MODELS_DIR}/simple_net.nn`);
    expect((await executableFor(g, { dtype: "f32" })).backend).toBe("wasm");
    expect((await executableFor(g, { dtype: "f32", backend: "js" })).backend).toBe("js");
    expect((await executableFor(g, { dtype: "f64" })).backend).toBe("js");
    expect((await executableFor(g, { dtype: "f64", backend: "wasm" })).note).toMatch(/float32/);
  });
});
