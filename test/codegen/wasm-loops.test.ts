// Fused loops run in WebAssembly (src/codegen/wasm/loop.ts): elementwise work, and reductions
// along rows (a softmax's max and sum), down columns (a bias gradient) and over everything (a
// mean), as loops of their own and after a matmul; and softmax_xent's rows. Each model's outputs,
// loss and gradients against the reference interpreter within the wasm backend's tolerance (5e-3,
// as wasm-models.test.ts says why: float32 sums in lanes), and its step's kernels with no JS loop.
import { describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import { graphOf } from "../support/models.js";
import { compare, feedsFor } from "./compare.js";

const TOLERANCE = 5e-3;

/** The kernel functions of a module (up to its first prelude part), where a JS loop would show as `for (`. */
function kernels(text: string): string {
  return text.slice(0, text.indexOf("// ---- src/prelude/"));
}

const cases: [string, string][] = [
  ["row max and sum (softmax), softmax_xent", "y = softmax(x @ W + c)\n loss cross_entropy(y, t)"],
  ["column sums (bias gradients) after a matmul, and of a loop of its own", "y = tanh(x @ W + c) @ V + c\n loss mse(y, t)"],
  ["a sum over everything (mean), exp", "y = exp(x @ W) * c\n loss mean(y * y) + mean(t * y)"],
  ["a row max alone", "y = x @ W - max(x @ W, axis = 1, keepdims = 1)\n loss mse(y, t)"],
];

describe("fused loops in WebAssembly", () => {
  for (const [what, body] of cases) {
    it(`${what}: the interpreter's numbers`, async () => {
      const g = graphOf(
        `model M {\n input x: [batch, 6]\n target t: [batch, 5]\n param W: [6, 5] = normal(1)\n param c: [5] = normal(1)\n param V: [5, 5] = normal(1)\n ${body.replace("\n loss", "\n output y\n loss")}\n}`,
      );
      const text = compileToString(g, { backend: "wasm" });
      expect(text).toContain("runLoop(");
      const model = await load(text);
      // Batch sizes whose rows of 5 leave a last group of one element, and batches of one row.
      for (const [batch, seed] of [
        [9, 1],
        [1, 2],
        [64, 3],
      ] as const) {
        const c = compare(g, model, feedsFor(g, "f32", batch, seed), "f32", seed);
        for (const [name, err] of Object.entries(c.errors)) expect(err, `${name} (batch ${batch})`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }

  it("the book's TwoLayerNet step has no JS loop over a tensor", () => {
    const g = graphOf(
      "model M {\n input x: [batch, 784]\n target t: onehot[batch, 10]\n param W1: [784, 50] = normal(0.01)\n param b1: [50] = zeros\n param W2: [50, 10] = normal(0.01)\n param b2: [10] = zeros\n h = sigmoid(x @ W1 + b1)\n y = softmax(h @ W2 + b2)\n output y\n loss cross_entropy(y, t)\n}",
    );
    const text = kernels(compileToString(g, { backend: "wasm" }));
    expect(text).toContain("WASM.softmax_xent0(");
    expect(text).not.toMatch(/for \(/);
  });
});
