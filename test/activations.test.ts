// The activations added as single op-table entries (leaky_relu, elu, gelu, softplus, silu): usable
// from .nn with keyword arguments, `nnc gradcheck` passes on a small model using each, and both
// backends compile them in agreement with the interpreter (the tolerances of
// codegen/models.test.ts and codegen/wasm-models.test.ts: f64 1e-10, f32 1e-4, wasm 5e-3).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { run } from "../src/graph/interpret.js";
import { tensor } from "../src/graph/tensor.js";
import { compare, compiled, feedsFor } from "./codegen/compare.js";
import { diagnosticsOf, graphOf } from "./support/models.js";

const CALLS: [string, string][] = [
  ["leaky_relu", "leaky_relu(x @ W + b, alpha = 0.2)"],
  ["elu", "elu(x @ W + b)"],
  ["gelu", "gelu(x @ W + b)"],
  ["softplus", "softplus(x @ W + b)"],
  ["silu", "silu(x @ W + b)"],
];

const model = (call: string) => `model Act {
  input x: [batch, 4]
  target t: [batch, 3]
  param W: [4, 5] = normal(1)
  param b: [5] = normal(0.5)
  param V: [5, 3] = normal(1)
  h = ${call}
  y = h @ V
  output y
  loss mse(y, t)
}
`;

const dir = mkdtempSync(join(tmpdir(), "nnc-activations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** f(x) at a few points, through a one-input model (inference). */
function values(call: string, xs: number[]): number[] {
  const g = graphOf(`model F {\n input x: [batch, 1]\n y = ${call}\n output y\n}`);
  const out = run(g, { x: tensor([xs.length, 1], xs) }, { training: false });
  return Array.from(out.outputs.y!.data);
}

describe("activations from the op table", () => {
  it("compute their definitions", () => {
    const xs = [-3, -0.5, 0, 0.5, 3];
    const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 14));
    close(values("leaky_relu(x, alpha = 0.2)", xs), [-0.6, -0.1, 0, 0.5, 3]);
    close(values("leaky_relu(x)", xs), [-0.03, -0.005, 0, 0.5, 3]);
    close(values("elu(x)", xs), [Math.expm1(-3), Math.expm1(-0.5), 0, 0.5, 3]);
    close(values("elu(x, alpha = 2)", [-1]), [2 * Math.expm1(-1)]);
    // gelu(1) = 0.5·(1 + erf(1/√2)) = Φ(1) = 0.8413447460685429 (normal CDF at 1).
    close(values("gelu(x)", [1, -1]), [0.8413447460685429, -1 + 0.8413447460685429]);
    close(
      values("softplus(x)", xs),
      xs.map((x) => Math.log1p(Math.exp(x))),
    );
    close(
      values("silu(x)", xs),
      xs.map((x) => x / (1 + Math.exp(-x))),
    );
    // Stable where log(1 + e^x) overflows.
    expect(values("softplus(x)", [1000])).toEqual([1000]);
  });

  it("reject a wrong keyword with a diagnostic", () => {
    expect(diagnosticsOf(model("leaky_relu(x @ W + b, slope = 0.2)"))).toMatch(/error: .*slope/);
  });

  for (const [name, call] of CALLS) {
    it(`${name}: nnc gradcheck passes on a small model`, async () => {
      const file = join(dir, `${name}.nn`);
      writeFileSync(file, model(call));
      let out = "";
      const code = await main(["gradcheck", file], { out: (s) => void (out += s), err: (s) => void (out += s), isTTY: false });
      expect(out).not.toMatch(/FAILED/);
      expect(code, out).toBe(0);
    });

    it(`${name}: compiled (js f64 and f32, wasm f32) = the interpreter`, async () => {
      const g = graphOf(model(call));
      const backends = [
        { dtype: "f64", backend: "js", tolerance: 1e-10 },
        { dtype: "f32", backend: "js", tolerance: 1e-4 },
        { dtype: "f32", backend: "wasm", tolerance: 5e-3 },
      ] as const;
      for (const { dtype, backend, tolerance } of backends) {
        const m = await compiled(g, { dtype, backend });
        for (const [batch, seed] of [
          [7, 1],
          [16, 3],
        ] as const) {
          const c = compare(g, m, feedsFor(g, dtype, batch, seed), dtype, seed);
          for (const [what, err] of Object.entries(c.errors))
            expect(err, `${backend} ${dtype} ${what} (batch ${batch})`).toBeLessThanOrEqual(tolerance);
        }
      }
    });
  }
});
