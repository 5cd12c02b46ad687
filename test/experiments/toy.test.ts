// `nnc experiment` on the book's small problems, whose --quick runs are the full experiments or
// close to them: the gradient method's three learning rates, the four optimizers' paths, and the
// activation histograms of the initializers. Also the command's listing and usage errors.
import { afterAll, describe, expect, it } from "vitest";
import { EXPERIMENTS } from "../../src/experiments/registry.js";
import { nnc, runQuick, tempOut } from "./support.js";

const out = tempOut();
afterAll(() => out.cleanup());

describe("nnc experiment", () => {
  it("--list names the eight experiments, in the book's order", async () => {
    const r = await nnc("experiment", "--list");
    expect(r.code).toBe(0);
    const names = r.out
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual([
      "gradient-descent",
      "optimizer-paths",
      "optimizer-compare",
      "init-activations",
      "init-compare",
      "batchnorm",
      "overfitting",
      "hyperparameter-search",
      "conv-filters",
    ]);
    expect(EXPERIMENTS.map((e) => e.name)).toEqual(names);
  });

  it("--json prints one line per experiment with its folder, figures and claims", async () => {
    const other = tempOut();
    try {
      const r = await nnc("experiment", "optimizer-paths", "--quick", "--json", "--out", other.dir);
      expect(r.code).toBe(0);
      const lines = r.out.trim().split("\n");
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0]!);
      expect(line).toMatchObject({ experiment: "optimizer-paths", quick: true, seed: 0, figures: ["paths.svg"] });
      expect(line.claims.length).toBeGreaterThan(0);
    } finally {
      other.cleanup();
    }
  });

  it("rejects an unknown name with a suggestion, a missing name and a bad seed (exit 2)", async () => {
    const typo = await nnc("experiment", "batchnrom");
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/no experiment named 'batchnrom'; did you mean 'batchnorm'\?/);
    expect((await nnc("experiment")).code).toBe(2);
    const seed = await nnc("experiment", "gradient-descent", "--seed", "-1");
    expect(seed.code).toBe(2);
    expect(seed.err).toMatch(/--seed must be a whole number/);
  });
});

describe("gradient-descent: f(x0, x1) = x0² + x1² from (-3, 4)", async () => {
  const run = await runQuick("gradient-descent", out.dir);
  const byLr = (lr: number) => run.json.results.runs.find((r: { lr: number }) => r.lr === lr);

  it("writes the path over the level lines and the distance per step", () => {
    expect(run.json.figures).toEqual(["path.svg", "distance.svg"]);
    expect(run.json.claims.every((c) => c.holds)).toBe(true);
  });

  it("autodiff gives the book's gradients (6, 8), (0, 4), (6, 0)", () => {
    for (const g of run.json.results.gradients) {
      expect(g.autodiff[0]).toBeCloseTo(g.book[0], 9);
      expect(g.autodiff[1]).toBeCloseTo(g.book[1], 9);
    }
  });

  it("lr 0.1 reaches (0, 0), as the book's (-6.1e-10, 8.1e-10)", () => {
    expect(byLr(0.1).distance).toBeLessThan(1e-8);
    expect(byLr(0.1).final.x).toBeCloseTo(-6.11e-10, 11);
  });

  it("lr 10 diverges; lr 1e-10 barely moves, to the book's (-2.99999994, 3.99999992)", () => {
    expect(byLr(10).distance).toBeGreaterThan(1e10);
    expect(byLr(1e-10).final.x).toBeCloseTo(-2.99999994, 8);
    expect(byLr(1e-10).final.y).toBeCloseTo(3.99999992, 8);
  });

  it("the book's numerical gradient explains its lr-10 result: it stalls near -2.6e13", () => {
    const x = byLr(10).finalNumerical.x;
    expect(x).toBeLessThan(-1e13);
    expect(x).toBeGreaterThan(-1e14);
  });

  it("runs on the reference interpreter when asked (--backend interpreter), to the same points", async () => {
    const other = tempOut();
    try {
      const reference = await runQuick("gradient-descent", other.dir, "--backend", "interpreter");
      expect(reference.json.backends).toEqual(["interpreter"]);
      expect(run.json.backends).not.toContain("interpreter");
      for (const lr of [0.1, 1e-10]) {
        const a = reference.json.results.runs.find((r: { lr: number }) => r.lr === lr).final;
        expect(a.x).toBeCloseTo(byLr(lr).final.x, 12);
        expect(a.y).toBeCloseTo(byLr(lr).final.y, 12);
      }
    } finally {
      other.cleanup();
    }
  });
});

describe("optimizer-paths: SGD, Momentum, AdaGrad, Adam on x²/20 + y²", async () => {
  const run = await runQuick("optimizer-paths", out.dir);

  it("draws four paths of 30 updates from (-7, 2), each near the minimum at the end", () => {
    expect(run.json.results.runs.map((r: { optimizer: string }) => r.optimizer)).toEqual(["sgd", "momentum", "adagrad", "adam"]);
    for (const r of run.json.results.runs) {
      expect(r.path).toHaveLength(31);
      expect(r.path[0]).toEqual([-7, 2]);
      expect(r.distance).toBeLessThan(1);
    }
  });

  it("shows the book's shapes: SGD zigzags, Momentum rolls past, AdaGrad goes straight, Adam swings less", () => {
    for (const c of run.json.claims) expect(c.holds, `${c.claim}: ${c.evidence}`).toBe(true);
  });
});

describe("init-activations: histograms of five layers under seven initializations", async () => {
  const run = await runQuick("init-activations", out.dir);
  const config = (label: string) => run.json.results.configs.find((c: { label: string }) => c.label === label);

  it("writes a row of five histograms per configuration, and the ReLU layer means", () => {
    expect(run.json.figures).toHaveLength(8);
    expect(run.json.results.configs).toHaveLength(7);
    for (const c of run.json.results.configs) expect(c.layers).toHaveLength(5);
  });

  it("Xavier keeps sigmoid activations spread where std 1 saturates them at 0 and 1", () => {
    for (const layer of config("sigmoid, std = 1").layers) expect(layer.saturated).toBeGreaterThan(0.5);
    for (const layer of config("sigmoid, Xavier").layers) {
      expect(layer.saturated).toBeLessThan(0.1);
      expect(layer.std).toBeGreaterThan(0.1);
    }
  });

  it("std 0.01 concentrates sigmoid activations around 0.5", () => {
    for (const layer of config("sigmoid, std = 0.01").layers) expect(Math.abs(layer.mean - 0.5)).toBeLessThan(0.02);
  });

  it("ReLU with std 0.01 vanishes like the book's layer means 0.0396, 0.00290, 0.000197, 1.32e-5, 9.46e-7", () => {
    const book = [0.0396, 0.0029, 0.000197, 1.32e-5, 9.46e-7];
    const means: number[] = config("ReLU, std = 0.01").layers.map((l: { mean: number }) => l.mean);
    means.forEach((m, i) => {
      expect(m / book[i]!).toBeGreaterThan(0.5);
      expect(m / book[i]!).toBeLessThan(2);
      if (i > 0) expect(means[i - 1]! / m).toBeGreaterThan(5); // about 10x per layer
    });
  });

  it("He keeps ReLU activations alike in every layer, where Xavier lets them shrink", () => {
    expect(run.claim("ReLU with He").holds).toBe(true);
    expect(run.claim("ReLU with Xavier").holds).toBe(true);
  });
});
