// Elaboration semantics: instance naming, shape patterns, compile-time `if`, --set, constant
// folding, class targets, the softmax + cross-entropy fusion and train settings. Every graph goes
// through verifyGraph (graphOf does it).
import { describe, expect, it } from "vitest";
import type { Graph, Node } from "../src/graph/ir.js";
import { frontend } from "../src/index.js";
import { graphOf } from "./support/models.js";

const dense = `block Dense(x: [batch, n], units) {
  param W: [n, units] = he
  param b: [units] = zeros
  return x @ W + b
}
`;

/** A model around `body`, with an input x: [batch, 4] and the Dense block. */
function model(body: string, formals = ""): string {
  return `${dense}model M${formals ? `(${formals})` : ""} {\n  input x: [batch, 4]\n${body}\n}\n`;
}

const paramNames = (g: Graph) => g.params.map((p) => p.name);
const shapes = (g: Graph) => Object.fromEntries(g.params.map((p) => [p.name, p.shape]));
const ops = (g: Graph) => g.nodes.map((n) => n.op);
const nodeOf = (g: Graph, name: string): Node => g.nodes[g.outputs.find((o) => o.name === name)!.node]!;

describe("block instances are named after their binding", () => {
  it("one instance in a let: h.W, h.b", () => {
    const g = graphOf(model("  h = Dense(x, 10)\n  output y = h"));
    expect(shapes(g)).toEqual({ "h.W": [4, 10], "h.b": [10] });
  });

  it("two instances in one let are numbered in evaluation order, inner first", () => {
    expect(paramNames(graphOf(model("  h = Dense(x, 3) + Dense(x, 3)\n  output y = h")))).toEqual(["h.0.W", "h.0.b", "h.1.W", "h.1.b"]);
    const nested = graphOf(model("  h = Dense(Dense(x, 3), 5)\n  output y = h"));
    expect(shapes(nested)).toEqual({ "h.0.W": [4, 3], "h.0.b": [3], "h.1.W": [3, 5], "h.1.b": [5] });
  });

  it("calls that own no params take no number", () => {
    const g = graphOf(model("  h = relu(Dense(relu(x), 3)) + Dense(sigmoid(x), 3)\n  output y = h"));
    expect(paramNames(g)).toEqual(["h.0.W", "h.0.b", "h.1.W", "h.1.b"]);
  });

  it("repeat(3) stacks copies named layers.0 .. layers.2, each fed the previous output", () => {
    const g = graphOf(model("  layers = repeat(3) Dense(x, 8)\n  output y = layers"));
    expect(shapes(g)).toEqual({
      "layers.0.W": [4, 8],
      "layers.0.b": [8],
      "layers.1.W": [8, 8],
      "layers.1.b": [8],
      "layers.2.W": [8, 8],
      "layers.2.b": [8],
    });
    expect(nodeOf(g, "y").shape).toEqual(["batch", 8]);
    expect(graphOf(model("  layers = repeat(0) Dense(x, 8)\n  output y = layers")).params).toEqual([]);
  });

  it("nested blocks name their params a.b.W; an instance in a return is named after the enclosing one", () => {
    const src = `${dense}block Wrap(x, units) {
  inner = Dense(x, units)
  return relu(inner)
}
block Hidden(x, units) {
  return relu(Dense(x, units))
}
block Two(x, units) {
  return Dense(Dense(x, units), units)
}
model M {
  input x: [batch, 4]
  a = Wrap(x, 3)
  h = Hidden(a, 3)
  t = Two(h, 2)
  r = repeat(2) Hidden(t, 2)
  output y = r
}
`;
    expect(paramNames(graphOf(src))).toEqual([
      "a.inner.W",
      "a.inner.b",
      "h.W",
      "h.b",
      "t.0.W",
      "t.0.b",
      "t.1.W",
      "t.1.b",
      "r.0.W",
      "r.0.b",
      "r.1.W",
      "r.1.b",
    ]);
  });

  it("output, loss and repeat bindings name instances too; batchnorm owns params like a block", () => {
    const g = graphOf(model("  output y = Dense(x, 2)\n  bn = batchnorm(x) + batchnorm(x)\n  output z = bn\n  loss mean(Dense(y, 1))"));
    expect(paramNames(g)).toEqual(["y.W", "y.b", "bn.0.gamma", "bn.0.beta", "bn.1.gamma", "bn.1.beta", "loss.W", "loss.b"]);
    expect(g.states.map((s) => s.name)).toEqual(["bn.0.running_mean", "bn.0.running_var", "bn.1.running_mean", "bn.1.running_var"]);
  });

  it("functions passed as values name their instances the same way", () => {
    const src = `${dense}block Apply(x, layer, units) {\n  return layer(x, units)\n}\nmodel M {\n  input x: [batch, 4]\n  h = Apply(x, Dense, 3)\n  output y = h\n}\n`;
    expect(paramNames(graphOf(src))).toEqual(["h.W", "h.b"]);
  });
});

describe("shape patterns", () => {
  it("bind names to the argument's sizes", () => {
    const g = graphOf(model("  h = Dense(x, 7)\n  g = Dense(h, 2)\n  output y = g"));
    expect(shapes(g)).toMatchObject({ "h.W": [4, 7], "g.W": [7, 2] });
  });

  it("check sizes already known, and keep batch symbolic", () => {
    const src = `block Square(x: [batch, n], y: [batch, n]) {\n  return x * y\n}\nmodel M {\n  input a: [batch, 3]\n  input b: [batch, 3]\n  output y = Square(a, b)\n}\n`;
    expect(nodeOf(graphOf(src), "y").shape).toEqual(["batch", 3]);
    const bad = frontend(src.replace("input b: [batch, 3]", "input b: [batch, 5]"), "f.nn");
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      "argument 'y' of Square must have shape [batch, n], got [batch, 5] (dimension 1 should be 3)",
    ]);
  });

  it("bind names that later defaults may use", () => {
    const src = `block Square(x: [batch, n], units = n * 2) {\n  param W: [n, units] = zeros\n  return x @ W\n}\nmodel M {\n  input x: [batch, 3]\n  output y = Square(x)\n}\n`;
    expect(shapes(graphOf(src))).toEqual({ "y.W": [3, 6] });
  });

  it("may use hyperparameters, arithmetic and later arguments", () => {
    const src = `block Flat(x: [batch, side * side], side) {\n  return x\n}\nmodel M(side = 28) {\n  input x: [batch, 784]\n  output y = Flat(x, side)\n}\n`;
    expect(frontend(src, "f.nn").diagnostics).toEqual([]);
    expect(frontend(src, "f.nn", { set: { side: "27" } }).diagnostics.map((d) => d.message)).toEqual([
      "argument 'x' of Flat must have shape [batch, (side * side)], got [batch, 784] (dimension 1 should be 729)",
    ]);
  });
});

describe("if chooses a branch at compile time", () => {
  const src = model("  h = if big then Dense(x, 8) else x\n  output y = h", "big = false");

  it("params in the untaken branch do not exist", () => {
    const off = graphOf(src);
    expect(off.params).toEqual([]);
    expect(nodeOf(off, "y").shape).toEqual(["batch", 4]);
    const on = graphOf(src, { set: { big: "true" } });
    expect(shapes(on)).toEqual({ "h.W": [4, 8], "h.b": [8] });
    expect(frontend(src, "f.nn").diagnostics).toEqual([]);
  });

  it("the untaken branch is not elaborated, so its errors do not count", () => {
    expect(graphOf(model("  output y = if true then x else x @ x", "")).params).toEqual([]);
  });

  it("conditions compare folded hyperparameters", () => {
    const deep = model("  h = if depth > 2 then repeat(depth) Dense(x, 4) else Dense(x, 4)\n  output y = h", "depth = 1");
    expect(paramNames(graphOf(deep))).toEqual(["h.W", "h.b"]);
    expect(paramNames(graphOf(deep, { set: { depth: "3" } }))).toEqual(["h.0.W", "h.0.b", "h.1.W", "h.1.b", "h.2.W", "h.2.b"]);
  });
});

describe("--set", () => {
  const src = `${dense}block Hidden(x: [batch, n], units, act, init) {
  param W: [n, units] = init
  return act(x @ W)
}
model M(act = relu, init = he, use_bn = false, width = 5) {
  input x: [batch, 4]
  h = Hidden(x, width, act, init)
  b = if use_bn then batchnorm(h) else h
  output y = b
}
`;

  it("overrides functions, initializers, bools and numbers, and records the values used", () => {
    const base = graphOf(src);
    expect(base.hyper).toEqual({ act: "relu", init: "he", use_bn: false, width: 5 });
    expect(ops(base)).toContain("relu");
    expect(base.params[0]!.init).toEqual({ kind: "he", fanIn: 4 });

    const g = graphOf(src, { set: { act: "tanh", init: "normal(0.05)", use_bn: "true", width: "2 * 3" } });
    expect(g.hyper).toEqual({ act: "tanh", init: "normal(0.05)", use_bn: true, width: 6 });
    expect(ops(g)).toContain("tanh");
    expect(ops(g)).not.toContain("relu");
    expect(ops(g)).toContain("batchnorm");
    expect(g.params.map((p) => [p.name, p.shape, p.init])).toEqual([
      ["h.W", [4, 6], { kind: "normal", std: 0.05 }],
      ["b.gamma", [6], { kind: "ones" }],
      ["b.beta", [6], { kind: "zeros" }],
    ]);
  });

  it("initializers by name or called: xavier and he use the fan-in, a number is a constant", () => {
    expect(graphOf(src, { set: { init: "xavier" } }).params[0]!.init).toEqual({ kind: "xavier", fanIn: 4 });
    expect(graphOf(src, { set: { init: "uniform(-0.1, 0.1)" } }).params[0]!.init).toEqual({ kind: "uniform", low: -0.1, high: 0.1 });
    expect(graphOf(src, { set: { init: "ones" } }).params[0]!.init).toEqual({ kind: "ones" });
    expect(graphOf(model("  param W: [4, 2] = 0.5\n  output y = x @ W")).params[0]!.init).toEqual({ kind: "constant", value: 0.5 });
  });
});

describe("constant folding", () => {
  it("folds hyperparameter arithmetic in shapes", () => {
    const g = graphOf(
      model(
        "  param W: [4, hidden * 2 - 1] = zeros\n  param V: [hidden * 2 - 1, hidden / 2 + 2 ** 2] = zeros\n  output y = x @ W @ V",
        "hidden = 4",
      ),
    );
    expect(shapes(g)).toEqual({ W: [4, 7], V: [7, 6] });
  });

  it("folds constant subexpressions instead of building nodes for them", () => {
    const g = graphOf(model("  output y = x * (2 * 3 - -1) + 10 / 4", ""));
    const consts = g.nodes.filter((n) => n.op === "const").map((n) => (n.attrs as { value: number }).value);
    expect(consts.sort()).toEqual([2.5, 7]);
    expect(ops(g).filter((o) => o !== "const")).toEqual(["input", "mul", "add"]);
  });

  it("reports a constant division by zero", () => {
    expect(frontend(model("  param W: [4, 3 / 0] = zeros\n  output y = x @ W"), "f.nn").diagnostics.map((d) => d.message)).toEqual([
      "division by zero in a constant expression",
    ]);
  });
});

describe("losses and targets", () => {
  it("cross_entropy(softmax(a), t) is fused into softmax_xent", () => {
    const g = graphOf(model("  target t: onehot[batch, 3]\n  a = Dense(x, 3)\n  y = softmax(a)\n  output y\n  loss cross_entropy(y, t)"));
    const loss = g.nodes[g.loss!]!;
    expect(loss.op).toBe("softmax_xent");
    expect(g.nodes[loss.inputs[0]!]!.label).toBe("a");
    expect(loss.shape).toEqual([]);
  });

  it("cross_entropy of anything else is the book's formula, not fused", () => {
    const g = graphOf(model("  target t: onehot[batch, 4]\n  y = sigmoid(x)\n  output y\n  loss cross_entropy(y, t)"));
    expect(ops(g)).not.toContain("softmax_xent");
    expect(ops(g)).toContain("log");
  });

  it("class-index targets become one-hot rows in losses", () => {
    const g = graphOf(model("  target t: index[batch]\n  a = Dense(x, 3)\n  output y = softmax(a)\n  loss softmax_cross_entropy(a, t)"));
    const onehot = g.nodes.find((n) => n.op === "onehot")!;
    expect(onehot.attrs).toEqual({ classes: 3 });
    expect(onehot.shape).toEqual(["batch", 3]);
    expect(g.inputs.find((i) => i.name === "t")).toMatchObject({ encoding: "index", shape: ["batch"], classes: 3 });
    expect(g.nodes[g.loss!]!.inputs[1]).toBe(onehot.id);
  });

  it("one-hot targets record their number of classes", () => {
    const g = graphOf(model("  target t: onehot[batch, 4]\n  loss mse(x, t)"));
    expect(g.inputs.find((i) => i.name === "t")).toMatchObject({ encoding: "onehot", shape: ["batch", 4], classes: 4 });
    expect(g.nodes[g.loss!]!.shape).toEqual([]);
  });
});

describe("other builtins", () => {
  it("dropout with ratio 0 is the identity; otherwise a mask node of its own", () => {
    expect(ops(graphOf(model("  output y = dropout(x, 0)")))).toEqual(["input"]);
    const g = graphOf(model("  output y = dropout(x, 0.25) + dropout(x, 0.25)"));
    const masks = g.nodes.filter((n) => n.op === "dropout_mask");
    expect(masks.map((m) => m.attrs)).toEqual([
      { ratio: 0.25, seq: 0 },
      { ratio: 0.25, seq: 1 },
    ]);
  });

  it("weight decay applies to weights, not biases", () => {
    const g = graphOf(model("  h = Dense(x, 3)\n  output y = h"));
    expect(g.params.map((p) => [p.name, p.decay])).toEqual([
      ["h.W", true],
      ["h.b", false],
    ]);
  });

  it("nodes keep the binding that made them and the span that asked for them", () => {
    const g = graphOf(model("  h = relu(x)\n  output y = h"));
    const relu = g.nodes.find((n) => n.op === "relu")!;
    expect(relu.label).toBe("h");
    expect(relu.span).toMatchObject({ file: "test.nn", line: 8, col: 7 });
  });
});

describe("train settings", () => {
  const withTrain = (settings: string) => model(`  output y = x\n  train {\n${settings}\n  }`);

  it("keeps the model's training defaults", () => {
    const g = graphOf(
      withTrain(
        "    optimizer = adam(lr = 0.001, beta1 = 0.9)\n    batch_size = 100\n    epochs = 20\n    weight_decay = 1e-4\n    seed = 0\n    val_split = 0.1",
      ),
    );
    expect(g.train).toEqual({
      optimizer: { name: "adam", args: { lr: 0.001, beta1: 0.9 } },
      batch_size: 100,
      epochs: 20,
      weight_decay: 0.0001,
      seed: 0,
      val_split: 0.1,
    });
    expect(graphOf(withTrain("    optimizer = momentum")).train).toEqual({ optimizer: { name: "momentum", args: {} } });
    expect(graphOf(withTrain("    lr = 0.1 * 2")).train).toEqual({ lr: 0.2 });
  });

  it("validates names and values", () => {
    const messages = (s: string) => frontend(withTrain(s), "f.nn").diagnostics.map((d) => d.message);
    expect(messages("    batch_size = 1.5")).toEqual(["'batch_size' must be a positive integer, got 1.5"]);
    expect(messages("    lr = -1")).toEqual(["'lr' must be a positive number, got -1"]);
    expect(messages("    val_split = 1")).toEqual(["'val_split' must be a fraction in [0, 1), got 1"]);
    expect(messages("    iters = 10\n    iters = 20")).toEqual(["training setting 'iters' is given twice"]);
    expect(messages("    optimizer = adam(lr = relu)")).toEqual(["'lr' must be a number"]);
    expect(messages("    epochs = true")).toEqual(["'epochs' must be a positive integer, got true or false"]);
  });
});

describe("limits", () => {
  it("refuse repeat counts and dimensions that could only be typos", () => {
    const messages = (src: string, set: Record<string, string> = {}) => frontend(src, "f.nn", { set }).diagnostics.map((d) => d.message);
    const rep = model("  output y = repeat(depth) Dense(x, 4)", "depth = 2");
    expect(messages(rep, { depth: "1e9" })).toEqual([
      "repeat(1000000000) is more copies than nnc makes (at most 10000); is the count right?",
    ]);
    expect(messages(rep, { depth: "-1" })).toEqual(["repeat needs a non-negative integer count, got -1"]);
    expect(messages(model("  param W: [4, 1e300] = zeros\n  output y = x @ W"))).toEqual([
      "a dimension must be at most 2147483647, got 1e+300",
    ]);
  });
});
