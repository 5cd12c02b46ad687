// The autodiff pass: backward graphs are valid graphs, gradients match numerical ones for every
// shipped model, backward graphs can be differentiated again, and a broken rule is caught.
import { basename } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Builder, finishGraph } from "../src/graph/builder.js";
import { differentiate } from "../src/graph/autodiff.js";
import { run } from "../src/graph/interpret.js";
import type { Graph, NodeId } from "../src/graph/ir.js";
import { OPS } from "../src/graph/ops/index.js";
import type { OpDef } from "../src/graph/ops/types.js";
import { tensor, type Tensor } from "../src/graph/tensor.js";
import { verifyGraph } from "../src/graph/verify.js";
import { gradcheck, randomFeeds } from "../src/gradcheck.js";
import { numericalDiff } from "../src/numeric.js";
import { main } from "../src/cli.js";
import { graphOf, graphOfFile, interpreterHeavy, MODELS_DIR, modelFiles } from "./support/models.js";

/** A graph of one scalar param x and the scalar f(x) built by `body`. */
function scalarFunction(body: (b: Builder, x: NodeId) => NodeId): Graph {
  const b = new Builder();
  const x = b.leaf("param", { name: "x" }, []);
  const loss = body(b, x);
  return finishGraph({
    model: "f",
    nodes: b.nodes,
    inputs: [],
    params: [{ name: "x", node: x, shape: [], init: { kind: "zeros" }, decay: false }],
    states: [],
    outputs: [],
    loss,
    grads: [],
    hyper: {},
    train: {},
  });
}

const at = (x: number) => ({ x: tensor([], [x]) });

/** Differentiates f twice: f' is g1's gradient node, f'' the gradient of f' (a scalar). */
function secondDerivative(f: Graph): { first: Graph; second: Graph } {
  const first = differentiate(f);
  const second = differentiate(first, { of: first.grads[0]!.node });
  verifyGraph(first);
  verifyGraph(second);
  return { first, second };
}

describe("autodiff", () => {
  const trainable = modelFiles().filter((f) => graphOfFile(f).loss !== undefined);
  it("covers the shipped models that have a loss", () => expect(trainable.length).toBeGreaterThanOrEqual(5));
  it.each(trainable.map((f) => [basename(f), f]))(
    "%s: backward graph verifies and gradients match (seeded sample)",
    (_n, file) => {
      const g = graphOfFile(file);
      const d = differentiate(g);
      verifyGraph(d);
      expect(d.grads.map((x) => x.name)).toEqual(g.params.map((p) => p.name));
      // The forward part is shared, untouched.
      d.nodes.slice(0, g.nodes.length).forEach((n, i) => expect(n).toBe(g.nodes[i]));
      // The conv nets run through the float64 interpreter's plain loops, hundreds of forward passes
      // for a check: 3 entries of each param at batch 2 (the op table's property tests check the
      // conv and pooling rules themselves over random shapes).
      const r = gradcheck(g, { seed: 1, ...(interpreterHeavy(g) ? { batch: 2, samples: 3 } : { samples: 8 }) });
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
      // DeepConvNet's check takes ~20 s alone, several times that on a loaded machine.
    },
    300_000,
  );

  it("computes gradients for any node on request, and zero for params the loss ignores", () => {
    const g = graphOf(`model M {
      input x: [batch, 2]
      param W: [2, 2] = normal(1)
      param unused: [3] = ones
      h = tanh(x @ W)
      output u = unused * 2
      loss sum(h * h)
    }`);
    const d = differentiate(g, { wrt: ["x", "unused"] });
    const feeds = randomFeeds(g, { batch: 2 });
    const r = run(d, feeds);
    expect([...r.grads.unused!.data]).toEqual([0, 0, 0]);
    expect(r.grads.x!.shape).toEqual([2, 2]);
  });

  it("differentiates twice: d²/dx² x³ = 6x", () => {
    const { second } = secondDerivative(scalarFunction((b, x) => b.mul(x, b.mul(x, x))));
    for (const x of [-2, 0.5, 3]) expect(run(second, at(x)).grads.x!.data[0]).toBeCloseTo(6 * x, 10);
  });

  it("differentiates twice: σ''(x) = σ(1 - σ)(1 - 2σ), checked against a numerical derivative of σ'", () => {
    const { first, second } = secondDerivative(scalarFunction((b, x) => b.add("sigmoid", [x], {})));
    for (const x of [-1.5, 0.2, 2]) {
      const s = 1 / (1 + Math.exp(-x));
      const analytic = run(second, at(x)).grads.x!.data[0]!;
      expect(analytic).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 12);
      const numeric = numericalDiff((v) => run(first, at(v)).grads.x!.data[0]!, x);
      expect(Math.abs(analytic - numeric)).toBeLessThan(1e-8);
    }
  });

  it("gives Hessian-vector products of a small model: d/dε ∇L(W + εv) at 0", () => {
    const g = graphOfFile(`${MODELS_DIR}/simple_net.nn`);
    const first = differentiate(g);
    // s = Σ ∇W ⊙ v, whose gradient in W is H·v.
    const b = new Builder(first.nodes);
    const v = b.leaf("input", { name: "v", role: "input" }, [2, 3]);
    const s = b.sum(b.mul(first.grads[0]!.node, v), [0, 1]);
    const withV = finishGraph({
      ...first,
      nodes: b.nodes,
      inputs: [...first.inputs, { name: "v", node: v, shape: [2, 3], role: "input" }],
    });
    const hvpGraph = differentiate(withV, { of: s, wrt: ["W"] });
    verifyGraph(hvpGraph);
    const feeds: Record<string, Tensor> = { ...randomFeeds(g, { batch: 4, seed: 3 }), v: tensor([2, 3], [0.3, -1, 0.5, 2, 0.1, -0.7]) };
    const hv = run(hvpGraph, feeds).grads.W!.data;
    const h = 1e-4;
    const gradAt = (eps: number) => {
      const W = feeds.W!.data.map((w, i) => w + eps * feeds.v!.data[i]!);
      return run(first, { ...feeds, W: tensor([2, 3], W) }).grads.W!.data;
    };
    const plus = gradAt(h);
    const minus = gradAt(-h);
    hv.forEach((value, i) => expect(Math.abs(value - (plus[i]! - minus[i]!) / (2 * h))).toBeLessThan(1e-7));
  });
});

describe("a broken gradient rule", () => {
  const table = OPS as unknown as Record<string, OpDef<never>>;
  const original = table.sigmoid!;
  afterEach(() => {
    table.sigmoid = original;
  });

  // σ' written as σ(1 + σ) instead of σ(1 - σ).
  const broken = {
    ...original,
    grad: ((b, n, d) => [b.mul(d, b.mul(n.id, b.add2(b.const(1), n.id)))]) as OpDef<"sigmoid">["grad"],
  } as unknown as OpDef<never>;

  it("makes gradcheck fail and name the param", () => {
    table.sigmoid = broken;
    const r = gradcheck(graphOfFile(`${MODELS_DIR}/two_layer_net.nn`));
    expect(r.ok).toBe(false);
    expect(["W1", "b1"]).toContain(r.worst?.param);
  });

  it("makes `nnc gradcheck` exit 1", async () => {
    table.sigmoid = broken;
    let out = "";
    const code = await main(["gradcheck", `${MODELS_DIR}/two_layer_net.nn`], { out: (s) => void (out += s), err: () => {}, isTTY: false });
    expect(code).toBe(1);
    expect(out).toMatch(/FAILED: worst is (W1|b1)\[/);
  });
});
