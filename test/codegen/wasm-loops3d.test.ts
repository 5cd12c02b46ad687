// Fused loops of three dimensions in WebAssembly (src/codegen/wasm/loop.ts): a conv layer's
// bias + ReLU over [batch, filters, positions] and its bias gradient (Σ over dims 0 and 2), loads
// broadcast along each dimension, reductions that keep the first dimension (split between
// threads by images) or not (split by the dimension they keep, or run in one call), and outer
// dimensions read through permuted strides (transposes). Each model's outputs, loss and gradients
// against the reference interpreter within the wasm backend's tolerance (5e-3, float32 sums in
// lanes, as wasm-models.test.ts says), with no JS loop left in its kernels; last dimensions of 5
// (a group of four and one left over) and 3 (none of four); batch sizes 1, 9 and 64 (the batch a
// symbol of the module). Large loops shared between two threads give one thread's bits.
import { afterEach, describe, expect, it } from "vitest";
import { compileToString, load } from "../../src/codegen/index.js";
import { graphOf } from "../support/models.js";
import { expectInterpreterNumbers, feedsFor } from "./compare.js";

const TOLERANCE = 5e-3;

/** The kernel functions of a module (up to its first prelude part), where a JS loop would show as `for (`. */
function kernels(text: string): string {
  return text.slice(0, text.indexOf("// ---- src/prelude/"));
}

/**
 * A model whose x: [batch, a, n] comes out of a matmul (so the module is a wasm one), with a bias
 * b: [a, 1] (strides 0, 1, 0), a row d: [n] (0, 0, 1), an input u: [batch, 1, n] (n, 0, 1) and
 * e: [a, 1, n] to multiply x transposed to [a, batch, n].
 */
function model(a: number, n: number, body: string): string {
  return `model M {
    input z: [batch, 4]
    input u: [batch, 1, ${n}]
    target t: [batch, ${a}, ${n}]
    target t2: [${a}, batch, ${n}]
    param W: [4, ${a * n}] = normal(1)
    param b: [${a}, 1] = normal(1)
    param d: [${n}] = normal(1)
    param e: [${a}, 1, ${n}] = normal(1)
    x = reshape(z @ W, [batch, ${a}, ${n}])
    ${body}
  }`;
}

const cases: [string, string][] = [
  ["bias + ReLU (b along dim 1), its gradient a sum over dims 0 and 2", "output h = relu(x + b)\n loss mse(h, t)"],
  ["a row along dim 2 and a bias: d's gradient a sum over dims 0 and 1", "output h = x + d + b\n loss mse(h, t)"],
  ["an input broadcast along dim 1", "output h = x * u\n loss mse(h, t)"],
  [
    "a max over dim 1 kept per image (its outputs start at -Infinity per row)",
    "output h = x - max(x, axis = 1, keepdims = 1)\n loss mse(h, t)",
  ],
  ["a sum over dims 0 and 2 in the forward pass", "output h = x - sum(x, axis = [0, 2], keepdims = 1)\n loss mse(h, t)"],
  ["a sum along the last dimension", "output h = x * sum(x, axis = 2, keepdims = 1)\n loss mse(h, t)"],
  ["outer dims read transposed", "output h = transpose(transpose(x, [1, 0, 2]) * e, [1, 0, 2])\n loss mse(h, t)"],
  ["an iteration space of [a, batch, n]", "output h = transpose(x, [1, 0, 2]) * e\n loss mse(h, t2)"],
];

describe("three-dimensional fused loops in WebAssembly", () => {
  for (const [what, body] of cases)
    for (const [a, n] of [
      [3, 5],
      [4, 3],
    ] as const) {
      it(`${what}, [batch, ${a}, ${n}]: the interpreter's numbers, no JS loop`, async () => {
        const g = graphOf(model(a, n, body));
        const text = compileToString(g, { backend: "wasm" });
        expect(kernels(text)).not.toMatch(/for \(/);
        const m = await load(text);
        expectInterpreterNumbers(
          g,
          m,
          [
            [9, 1],
            [1, 2],
            [64, 3],
          ],
          TOLERANCE,
        );
      });
    }

  it("large loops, their rows shared between two threads, give one thread's bits", async () => {
    // [512, 8, 30]: 122880 elements a loop (shared from 2^16): a bias + ReLU and a max over dim 1
    // kept per image, split by images; the bias gradient (Σ over dims 0 and 2), split by its 8
    // filters, each filter's sum made by one thread in the order of one thread.
    const g = graphOf(model(8, 30, "h = relu(x + b)\n output y = h - max(h, axis = 1, keepdims = 1)\n loss mse(y, t)"));
    const source = compileToString(g, { backend: "wasm" });
    const text = kernels(source);
    expect(text).not.toMatch(/for \(/);
    expect(text).toMatch(/runLoop\(\d+, batch, batch, \(240 \* batch\)/);
    expect(text).toMatch(/runLoop\(\d+, 8, batch, \(240 \* batch\)/);
    const feeds = Object.fromEntries(Object.entries(feedsFor(g, "f32", 512, 7)).map(([k, t]) => [k, Float32Array.from(t.data)]));
    const run = async (threads: string, instance: number) => {
      process.env.NNC_THREADS = threads;
      const m = await load(`${source}\n// instance ${instance}\n`);
      expect(m.threads()).toBe(Number(threads));
      const params = m.init(1);
      const { loss, grads } = m.lossAndGrads(params, feeds);
      return {
        loss,
        grads: Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, Array.from(v)])),
        y: Array.from(m.predict(params, feeds).y!),
      };
    };
    const one = await run("1", 1);
    expect(await run("2", 2)).toEqual(one);
    // Not a vacuous match: the bias gradient (the Σ over dims 0 and 2) is not all zeros.
    expect(one.grads.b!.some((x) => x !== 0)).toBe(true);
  });
});

afterEach(() => {
  delete process.env.NNC_THREADS;
});
