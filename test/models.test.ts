// Every model that ships in models/ checks clean, and has the structure the book describes.
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { frontendFile } from "../src/index.js";
import { graphOfFile, MODELS_DIR, modelFiles } from "./support/models.js";

describe("models/", () => {
  it.each(modelFiles().map((f) => [basename(f), f]))("%s checks clean, without warnings", (_name, file) => {
    const r = frontendFile(file);
    expect(r.usageErrors).toEqual([]);
    expect(r.diagnostics).toEqual([]);
    expect(r.graphs.length).toBe(1);
    graphOfFile(file);
  });

  it("two_layer_net.nn is the book's TwoLayerNet: W1 b1 W2 b2 with the book's shapes", () => {
    const g = graphOfFile(`${MODELS_DIR}/two_layer_net.nn`);
    expect(g.params.map((p) => [p.name, p.shape])).toEqual([
      ["W1", [784, 50]],
      ["b1", [50]],
      ["W2", [50, 10]],
      ["b2", [10]],
    ]);
    expect(g.params.map((p) => p.init)).toEqual([
      { kind: "normal", std: 0.01 },
      { kind: "zeros" },
      { kind: "normal", std: 0.01 },
      { kind: "zeros" },
    ]);
    expect(g.train).toEqual({ optimizer: { name: "sgd", args: { lr: 0.1 } }, batch_size: 100, iters: 10000 });
  });

  it("multi_layer_net.nn repeats its hidden block into stable hierarchical names", () => {
    const g = graphOfFile(`${MODELS_DIR}/multi_layer_net.nn`, { set: { depth: "6" } });
    const names = g.params.map((p) => p.name);
    expect(names).toEqual([...[0, 1, 2, 3, 4, 5].flatMap((i) => [`layers.${i}.W`, `layers.${i}.b`]), "W", "b"]);
    expect(g.params[0]!.init).toEqual({ kind: "he", fanIn: 784 });
    expect(g.params[2]!.init).toEqual({ kind: "he", fanIn: 100 });
  });

  it("multi_layer_net_extend.nn adds batch norm params and running statistics per layer", () => {
    const g = graphOfFile(`${MODELS_DIR}/multi_layer_net_extend.nn`, { set: { depth: "2" } });
    expect(g.params.map((p) => p.name)).toContain("layers.1.bn.gamma");
    expect(g.states.map((s) => s.name)).toEqual([
      "layers.0.bn.running_mean",
      "layers.0.bn.running_var",
      "layers.1.bn.running_mean",
      "layers.1.bn.running_var",
    ]);
    const off = graphOfFile(`${MODELS_DIR}/multi_layer_net_extend.nn`, { set: { depth: "2", use_batchnorm: "false" } });
    expect(off.states).toEqual([]);
  });
});
