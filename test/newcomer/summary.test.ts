// Issue 13.8: `nnc summary FILE [--set]`, a per-layer table as Keras's model.summary() prints:
// each param and binding with its shape, parameter counts, the total, and the FLOPs of one
// training step (counted as bench/README.md counts them by hand).
import { describe, expect, it } from "vitest";
import { nnc } from "../support/cli.js";

describe("nnc summary", () => {
  it("prints TwoLayerNet's table, totals and FLOPs", async () => {
    const r = await nnc("summary", "models/two_layer_net.nn");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "Model: TwoLayerNet (models/two_layer_net.nn)",
        "Name  Kind    Shape         Params",
        "──────────────────────────────────",
        "x     input   [batch, 784]        ",
        "t     target  [batch, 10]         ",
        "W1    param   [784, 50]     39,200",
        "b1    param   [50]              50",
        "W2    param   [50, 10]         500",
        "b2    param   [10]              10",
        "h     value   [batch, 50]         ",
        "y     output  [batch, 10]         ",
        "loss  loss    []                  ",
        "──────────────────────────────────",
        "Total params: 39,760 (155.3 KiB as float32)",
        "Trainable params: 39,760",
        "Non-trainable params: 0",
        "FLOPs of one training step at batch 100: 16.1 MFLOP (forward 7.961 M, backward 8.063 M, sgd update 79.52 K)",
        "",
      ].join("\n"),
    );
  });

  it("follows --set, and its FLOPs are bench's hand count: 2·B·in·out per matmul, no input gradient", async () => {
    const r = await nnc("summary", "models/two_layer_net.nn", "--set", "hidden=100", "--batch", "10", "--json");
    const s = JSON.parse(r.out);
    expect(s.trainable).toBe(784 * 100 + 100 + 100 * 10 + 10);
    expect(s.rows.find((x: { name: string }) => x.name === "W1").shape).toBe("[784, 100]");
    const matmuls = 2 * 10 * 784 * 100 + 2 * 10 * 100 * 10;
    // forward: the two matmuls plus elementwise work; backward: dW1, dW2 and dh, not dx.
    expect(s.flops.forward).toBeGreaterThan(matmuls);
    expect(s.flops.forward).toBeLessThan(matmuls * 1.01);
    const backwardMatmuls = 2 * 10 * 784 * 100 + 2 * (2 * 10 * 100 * 10); // dW1; dW2 and dh
    expect(s.flops.backward).toBeGreaterThan(backwardMatmuls);
    expect(s.flops.backward).toBeLessThan(backwardMatmuls * 1.01);
    expect(s.flops.update).toBe(2 * s.trainable);
  });

  it("counts batch-norm statistics as non-trainable", async () => {
    const r = await nnc("summary", "models/multi_layer_net_extend.nn", "--json");
    const s = JSON.parse(r.out);
    expect(s.nonTrainable).toBe(5 * 2 * 100);
    expect(s.rows.filter((x: { kind: string }) => x.kind === "state")).toHaveLength(10);
  });

  it("a model error is located, a usage error is exit 2", async () => {
    expect((await nnc("summary", "models/two_layer_net.nn", "--set", "hiden=3")).code).toBe(2);
    expect((await nnc("summary", "models/two_layer_net.nn", "--batch", "0")).code).toBe(2);
  });
});
