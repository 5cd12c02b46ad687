// `--backend wasm` end to end: `nnc compile` writes a module with its WebAssembly inside that
// runs in plain Node from a folder with no node_modules and matches the interpreter; f64 falls
// back to js with a note; a wrong backend is a usage error.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { differentiate } from "../../src/graph/autodiff.js";
import { run } from "../../src/graph/interpret.js";
import { tensor } from "../../src/graph/tensor.js";
import { executableFor } from "../../src/runtime/backend.js";
import { initValues } from "../../src/runtime/initializers.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";
import { relativeError } from "./compare.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-wasm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nnc(...args: string[]): { code: Promise<number>; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, { out: (s) => void out.push(s), err: (s) => void err.push(s), isTTY: false });
  return { code, out, err };
}

describe("nnc compile --backend wasm", () => {
  const model = join(dir, "two_layer_net.js");

  it("writes a standalone module that trains like the interpreter in plain Node", async () => {
    const r = nnc("compile", `${MODELS_DIR}/two_layer_net.nn`, "-o", model, "--backend", "wasm");
    expect(await r.code, r.err.join("")).toBe(0);
    expect(r.out.join("")).toContain("(f32, wasm)");
    const text = readFileSync(model, "utf8");
    expect(text).not.toMatch(/^import /m);
    expect(text).toContain("await WebAssembly.instantiate(");
    const g = graphOfFile(`${MODELS_DIR}/two_layer_net.nn`);
    const x = Float32Array.from({ length: 5 * 784 }, (_, i) => Math.sin(i));
    const t = Float32Array.from({ length: 50 }, (_, i) => (i % 10 === (i / 10) % 10 ? 1 : 0));
    writeFileSync(join(dir, "data.json"), JSON.stringify({ x: [...x], t: [...t] }));
    writeFileSync(
      join(dir, "run.mjs"),
      `import { readFileSync } from "node:fs";
import { init, lossAndGrads } from "./two_layer_net.js";
const data = JSON.parse(readFileSync(new URL("./data.json", import.meta.url), "utf8"));
const params = init(5);
const { loss, grads } = lossAndGrads(params, { x: Float32Array.from(data.x), t: Float32Array.from(data.t) });
console.log(JSON.stringify({ loss, W1: [...grads.W1], b1: [...grads.b1] }));
`,
    );
    const p = spawnSync(process.execPath, ["run.mjs"], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH } });
    expect(p.stderr).toBe("");
    const got = JSON.parse(p.stdout) as { loss: number; W1: number[]; b1: number[] };
    const init = initValues(g, 5);
    const feeds = { x: tensor([5, 784], x), t: tensor([5, 10], t), ...Object.fromEntries(g.params.map((q) => [q.name, tensor(q.shape, Float32Array.from(init[q.name]!))])) };
    const ref = run(differentiate(g), feeds, { training: true });
    expect(relativeError([got.loss], [ref.loss!])).toBeLessThan(1e-5);
    expect(relativeError(got.W1, ref.grads.W1!.data)).toBeLessThan(5e-3);
    expect(relativeError(got.b1, ref.grads.b1!.data)).toBeLessThan(5e-3);
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
