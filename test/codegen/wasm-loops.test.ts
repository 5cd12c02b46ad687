// Fused loops run in WebAssembly (src/codegen/wasm/loop.ts): elementwise work, and reductions
// along rows (a softmax's max and sum), down columns (a bias gradient) and over everything (a
// mean), as loops of their own and after a matmul; and softmax_xent's rows. Each model's outputs,
// loss and gradients against the reference interpreter within the wasm backend's tolerance (5e-3,
// as wasm-models.test.ts says why: float32 sums in lanes), and its step's kernels with no JS loop;
// a large loop shared between two threads gives one thread's bits.
import { afterEach, describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import { graphOf } from "../support/models.js";
import { expectInterpreterNumbers, feedsFor } from "./compare.js";

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
      expectInterpreterNumbers(
        g,
        model,
        [
          [9, 1],
          [1, 2],
          [64, 3],
        ],
        TOLERANCE,
      );
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

  it("a large loop of its own, its rows shared between two threads, gives one thread's bits", async () => {
    // softmax over 300 classes: its exp and row sums a loop of its own, 512 · 300 elements (shared from 2^16).
    const g = graphOf(
      "model M {\n input x: [batch, 20]\n target t: [batch, 300]\n param W: [20, 300] = normal(1)\n y = softmax(x @ W)\n output y\n loss mse(y, t)\n}",
    );
    const text = compileToString(g, { backend: "wasm" });
    const feeds = Object.fromEntries(Object.entries(feedsFor(g, "f32", 512, 7)).map(([k, t]) => [k, Float32Array.from(t.data)]));
    const run = async (threads: string, instance: number) => {
      process.env.NNC_THREADS = threads;
      const m = await load(`${text}\n// instance ${instance}\n`);
      expect(m.threads()).toBe(Number(threads));
      const params = m.init(1);
      const { loss, grads } = m.lossAndGrads(params, feeds);
      return { loss, W: Array.from(grads.W!), y: Array.from(m.predict(params, { x: feeds.x! }).y!) };
    };
    expect(await run("2", 2)).toEqual(await run("1", 1));
  });
});

afterEach(() => {
  delete process.env.NNC_THREADS;
});
