// The convolution builtins in .nn files: the shapes they make (numpy/PyTorch floor division),
// their defaults (max_pool's stride = size), flatten, batch norm per channel, and shape errors
// reported at the call's file:line:col with the rule that fails.
import { describe, expect, it } from "vitest";
import type { Graph } from "../../src/graph/ir.js";
import { diagnosticsOf, graphOf } from "../support/models.js";

function model(body: string, input = "[batch, 1, 28, 28]"): string {
  return `model M {\n  input x: ${input}\n${body
    .trim()
    .split("\n")
    .map((l) => `  ${l.trim()}`)
    .join("\n")}\n  output y\n}\n`;
}

function shapeOf(g: Graph, name: string) {
  const out = g.outputs.find((o) => o.name === name)!;
  return g.nodes[out.node]!.shape;
}

describe("conv2d, pooling and flatten in .nn files", () => {
  it.each([
    ["conv2d(x, W)", "[30, 1, 5, 5]", "[batch, 30, 24, 24]"],
    ["conv2d(x, W, pad = 2)", "[30, 1, 5, 5]", "[batch, 30, 28, 28]"],
    ["conv2d(x, W, stride = 2, pad = 1)", "[16, 1, 3, 3]", "[batch, 16, 14, 14]"],
    ["conv2d(x, W, 3)", "[8, 1, 4, 4]", "[batch, 8, 9, 9]"],
    ["max_pool(conv2d(x, W))", "[30, 1, 5, 5]", "[batch, 30, 12, 12]"],
    ["max_pool(x, size = 3)", "[1, 1, 1, 1]", "[batch, 1, 9, 9]"],
    ["max_pool(x, size = 3, stride = 1, pad = 1)", "[1, 1, 1, 1]", "[batch, 1, 28, 28]"],
    ["avg_pool(x, 2, 3)", "[1, 1, 1, 1]", "[batch, 1, 9, 9]"],
    ["flatten(max_pool(conv2d(x, W)))", "[30, 1, 5, 5]", "[batch, 4320]"],
  ])("y = %s with W: %s has shape %s", (expr, w, expected) => {
    const g = graphOf(model(`param W: ${w} = he\ny = ${expr} + 0 * sum(W)`));
    expect(`[${shapeOf(g, "y").join(", ")}]`).toBe(expected);
  });

  it("a bias [F, 1, 1] broadcasts over the feature maps", () => {
    const g = graphOf(model(`param W: [4, 1, 3, 3] = he\nparam b: [4, 1, 1] = zeros\ny = relu(conv2d(x, W) + b)`));
    expect(shapeOf(g, "y")).toEqual(["batch", 4, 26, 26]);
  });

  it("batchnorm and dropout take [batch, C, H, W]; batch norm's params and statistics are per channel", () => {
    const g = graphOf(model(`param W: [6, 1, 3, 3] = he\nh = conv2d(x, W)\ny = dropout(batchnorm(h), 0.5)`));
    expect(shapeOf(g, "y")).toEqual(["batch", 6, 26, 26]);
    expect(g.params.map((p) => [p.name, p.shape])).toContainEqual(["y.gamma", [6]]);
    expect(g.states.map((s) => [s.name, s.shape])).toContainEqual(["y.running_var", [6]]);
  });

  it.each([
    ["param W: [30, 3, 5, 5] = he\ny = conv2d(x, W)", "test.nn:4:7: error: conv2d: input has 1 channel, W expects 3 (W: [30, 3, 5, 5])"],
    ["param W: [2, 1, 5, 5] = he\ny = conv2d(x, W)", "test.nn:4:7: error: conv2d: the 5×5 kernel is larger than the input (4×4)"],
    ["param W: [2, 1, 3, 3] = he\ny = conv2d(x, W, stride = 0)", "test.nn:4:7: error: conv2d: stride must be a positive integer, got 0"],
    ["param W: [2, 1, 3, 3] = he\ny = conv2d(x, W, pad = 0.5)", "test.nn:4:7: error: conv2d: pad must be a non-negative integer, got 0.5"],
    ["param W: [2, 3, 3] = he\ny = conv2d(x, W)", "conv2d needs a filter W of shape [filters, channels, height, width], got [2, 3, 3]"],
    ["y = max_pool(x, size = 5)", "test.nn:3:7: error: max_pool: the 5×5 window is larger than the input (4×4)"],
    ["y = max_pool(x, pad = 2)", "max_pool: pad must be less than size (a window would hold only padding), got pad 2, size 2"],
    ["y = avg_pool(x, stride = 0)", "avg_pool: stride must be a positive integer, got 0"],
    [
      "param W: [2, 1, 7, 7] = he\ny = conv2d(x, W, pad = 1)",
      "conv2d: the 7×7 kernel is larger than the padded input (6×6: 4×4 with pad 1)",
    ],
  ])("%s: %s", (body, message) => {
    const text = diagnosticsOf(model(body, "[batch, 1, 4, 4]"));
    expect(text).toContain(message);
  });

  it("the caret points at the call", () => {
    const text = diagnosticsOf(model("param W: [30, 3, 5, 5] = he\ny = relu(conv2d(x, W))"));
    expect(text).toContain("test.nn:4:12: error: conv2d: input has 1 channel, W expects 3");
    expect(text).toMatch(/y = relu\(conv2d\(x, W\)\)\n\s+\^/);
  });

  it("conv2d of a 2-D input says what it needs", () => {
    const text = diagnosticsOf(model("param W: [2, 1, 3, 3] = he\ny = conv2d(x, W)", "[batch, 784]"));
    expect(text).toContain("conv2d needs an input of shape [batch, channels, height, width], got [batch, 784]");
  });
});
