// What lowering decides for the book's TwoLayerNet, and what the module promises at run time:
// fusion into matmul epilogues, transposes read in place, buffers reused, errors that say what
// is wrong (and, when generated code fails to load, where).
import { describe, expect, it } from "vitest";
import { differentiate } from "../../src/graph/autodiff.js";
import { simplify } from "../../src/graph/simplify.js";
import { verifyGraph } from "../../src/graph/verify.js";
import { compileToString, load } from "../../src/codegen/index.js";
import { lower } from "../../src/codegen/lower.js";
import type { Kernel, LoopKernel } from "../../src/codegen/plan.js";
import { graphOf, graphOfFile, MODELS_DIR } from "../support/models.js";
import { compare, compiled, feedsFor } from "./compare.js";

const g = simplify(differentiate(graphOfFile(`${MODELS_DIR}/two_layer_net.nn`)));
const plan = lower(g);
const ops = (k: LoopKernel | undefined) =>
  k ? k.steps.flatMap((s) => (s.kind === "compute" || s.kind === "accumulate" ? [g.nodes[s.node]!.op] : [])) : [];
const describeKernel = (k: Kernel) =>
  k.kind === "loop" ? (ops(k).length === 0 ? "copy" : `loop[${ops(k)}]`) : k.op === "matmul" ? `matmul[${ops(k.epilogue)}]` : k.op;

describe("lowering TwoLayerNet", () => {
  it("fuses bias add and activation into the matmul's output loop, and the softmax into two loops", () => {
    expect(plan.predict.kernels.map(describeKernel)).toEqual(["matmul[add,sigmoid]", "matmul[add,max]", "loop[sub,exp,sum]", "loop[div]"]);
  });

  it("fuses the backward pass: the sigmoid derivative and the bias gradient into dY·W2ᵀ's epilogue", () => {
    // The bias gradients are summed in float64 and copied out as float32 at the end.
    expect(plan.train!.kernels.map(describeKernel)).toEqual([
      "matmul[add,sigmoid]",
      "matmul[add,max]",
      "loop[sub,exp,sum]",
      "softmax_xent",
      "loop[div,sub,div,sum]",
      "matmul[sub,mul,mul,sum]",
      "matmul[]",
      "matmul[]",
      "copy",
      "copy",
    ]);
  });

  it("reads transposed operands in place (no transpose kernel) and keeps extents constant but the batch", () => {
    const matmuls = plan.train!.kernels.flatMap((k) =>
      k.kind === "kernel" && k.op === "matmul" && k.data && "m" in k.data ? [k.data] : [],
    );
    expect(matmuls.map((k) => [k.m, k.k, k.n].map((s) => (s.p ? "batch" : s.c)).join("×"))).toEqual([
      "batch×784×50",
      "batch×50×10",
      "batch×10×50",
      "50×batch×10",
      "784×batch×50",
    ]);
    expect(g.nodes.some((n) => n.op === "transpose")).toBe(false);
  });

  it("reuses buffers by liveness and writes elementwise results in place", () => {
    const t = plan.train!;
    const scratch = t.slots.filter((s) => !s.result);
    expect(scratch.length).toBe(7); // 5, and the float64 sums of the two bias gradients
    expect(scratch.some((s) => s.holds.length >= 3)).toBe(true);
    // h = sigmoid(x·W1 + b1) is written over x·W1.
    const first = t.kernels[0]!;
    expect(first.kind === "kernel" && first.epilogue!.steps.some((s) => s.kind === "store" && s.slot === first.out)).toBe(true);
  });

  it("simplify keeps the graph valid and folds transposes into matmul flags", () => {
    verifyGraph(g);
    const t = graphOf(`model T {
  input x: [batch, 3]
  param W: [4, 3] = normal(1)
  output y = x @ transpose(W) + 2 ** 2
  loss sum(y ** 2)
}`);
    const s = simplify(differentiate(t));
    verifyGraph(s);
    expect(s.nodes.filter((n) => n.op === "transpose")).toEqual([]);
    expect(s.nodes.filter((n) => n.op === "pow")).toEqual([]);
    expect(s.nodes.find((n) => n.op === "matmul")!.attrs).toEqual({ transA: false, transB: true });
  });
});

describe("the compiled module at run time", () => {
  it("reuses its buffers: no allocation per step for a given batch size", async () => {
    const m = await load(compileToString(graphOfFile(`${MODELS_DIR}/two_layer_net.nn`)));
    const params = m.init();
    const batch = (n: number) => ({ x: new Float32Array(n * 784).fill(0.5), t: new Float32Array(n * 10).fill(0.1) });
    const a = m.lossAndGrads(params, batch(4)).grads;
    const b = m.lossAndGrads(params, batch(4)).grads;
    expect(b.W1).toBe(a.W1);
    expect(m.lossAndGrads(params, batch(5)).grads.W1).not.toBe(a.W1);
    expect(m.predict(params, batch(4)).y).toBe(m.predict(params, batch(4)).y);
  });

  it("says what is wrong with its arguments", async () => {
    const m = await load(compileToString(graphOfFile(`${MODELS_DIR}/simple_net.nn`)));
    const params = m.init();
    expect(() => m.predict(params, { x: new Float32Array(5) })).toThrow(
      "predict: input 'x' has 5 numbers, not a multiple of its row size 2 (shape [batch, 2])",
    );
    expect(() => m.predict(params, {})).toThrow("predict: missing input 'x'");
    expect(() => m.predict(params, { x: new Float32Array(0) })).toThrow("empty (batch size 0)");
    expect(() => m.lossAndGrads(params, { x: new Float32Array(4) })).toThrow("lossAndGrads: missing input 't'");
    expect(() => m.lossAndGrads({}, { x: new Float32Array(4), t: new Float32Array(6) })).toThrow(
      "lossAndGrads: model SimpleNet needs params['W'] as a Float32Array of 6 numbers [2, 3], got nothing (params from init() or loadParams() have it)",
    );
    // Params of another model (or other --set values): the message says so, with the shape expected.
    expect(() => m.predict({ W: new Float32Array(12) }, { x: new Float32Array(2) })).toThrow(
      "predict: model SimpleNet needs params['W'] as a Float32Array of 6 numbers [2, 3], got Float32Array of 12 numbers (were these params made for another model, or with other --set values?)",
    );
    expect(() => m.lossAndGrads(params, { x: new Float32Array(4), t: new Float32Array(4) })).toThrow(
      "input 't' has 4 numbers, not a multiple of its row size 3",
    );
    expect(() => m.lossAndGrads(params, { x: new Float32Array(4), t: new Float32Array(3) })).toThrow(
      "inputs disagree on the batch size: 'x' has 2 rows, 't' has 1",
    );
  });

  it("a model without a loss predicts but does not train", async () => {
    const m = await load(compileToString(graphOf(`model P {\n  input x: [batch, 2]\n  output y = 2 * x\n}`)));
    expect([...m.predict(m.init(), { x: [1, 2] }).y!]).toEqual([2, 4]);
    expect(() => m.lossAndGrads(m.init(), { x: [1, 2] })).toThrow("model 'P' has no loss");
  });

  it("class indices out of range are an error, as in the interpreter", async () => {
    const m = await load(compileToString(graphOfFile(`${MODELS_DIR}/mnist_relu_adam.nn`, { set: { h1: "3", h2: "3" } })));
    expect(() => m.lossAndGrads(m.init(), { x: new Float32Array(784), t: [10] })).toThrow("class index 10 is out of range [0, 10)");
  });
});

describe("batch-sized corners", () => {
  const models = [
    `model Gram {
  input x: [batch, 4]
  target t: [batch, 3]
  param W: [4, 3] = normal(1)
  g = x @ transpose(x)
  h = transpose(x) @ (g @ x)
  output y = h
  loss mean((x @ W - t) ** 2) + 0.001 * sum(g * g) + 0.01 * mean(h)
}`,
    `model Reshape {
  input x: [batch, 4]
  param W: [2, 2] = normal(1)
  r = reshape(x, [batch, 2, 2])
  s = sum(r, axis = 0)
  output y = transpose(reshape(r, [batch, 4]))
  loss sum(s * W) + mean(reshape(x, [batch, 2, 2]) ** 3) + sum(transpose(x) * 2)
}`,
  ];
  it.each(models.map((m) => [m.split(" ")[1], m]))(
    "%s: batch × batch matmuls, transposed and reshaped batch tensors",
    async (_name, text) => {
      const g = graphOf(text);
      for (const dtype of ["f64", "f32"] as const) {
        const model = await compiled(g, { dtype });
        for (const batch of [1, 5, 7]) {
          const c = compare(g, model, feedsFor(g, dtype, batch, batch), dtype, 1);
          expect(c.worst, `${dtype} batch ${batch}: ${JSON.stringify(c.errors)}`).toBeLessThanOrEqual(dtype === "f64" ? 1e-10 : 1e-4);
        }
      }
    },
  );
});

describe("load", () => {
  it("shows the generated source around a syntax error", async () => {
    const text = "export const a = 1;\nexport const b = 2;\nexport function f() {\n  return 1 +;\n}\n";
    const e = await load(text).then(
      () => new Error("loaded"),
      (x: Error) => x,
    );
    expect(e.message).toContain("cannot load the generated module");
    expect(e.message).toContain("> 4 |   return 1 +;");
  });

  it("shows the line that throws while the module is evaluated", async () => {
    const e = await load("export const a = 1;\nnull.x;\nexport const b = 2;\n").then(
      () => new Error("loaded"),
      (x: Error) => x,
    );
    expect(e.message).toContain("> 2 | null.x;");
  });
});
