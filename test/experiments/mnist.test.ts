// `nnc experiment` on MNIST: the optimizers and the initializers compared by their loss, and the
// random hyperparameter search. The --quick runs take a few steps on a few hundred images, so
// they check what the runs write, and the one claim that shows already: a std-0.01 network does
// not learn at all. (The full runs' claims are in docs/experiments.md.)
import { afterAll, describe, expect, it } from "vitest";
import { runQuick, tempOut } from "./support.js";

const out = tempOut();
afterAll(() => out.cleanup());

describe("optimizer-compare: SGD, Momentum, AdaGrad, Adam on MNIST", async () => {
  const run = await runQuick("optimizer-compare", out.dir);

  it("records every step's loss for each optimizer, with the book's learning rates", () => {
    const runs = run.json.results.runs;
    expect(runs.map((r: { optimizer: string; args: { lr: number } }) => [r.optimizer, r.args.lr])).toEqual([
      ["sgd", 0.01],
      ["momentum", 0.01],
      ["adagrad", 0.01],
      ["adam", 0.001],
    ]);
    for (const r of runs) {
      expect(r.losses).toHaveLength(run.json.settings.iters);
      expect(r.losses.every((l: number) => Number.isFinite(l) && l > 0)).toBe(true);
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    }
    expect(run.json.figures).toEqual(["loss.svg"]);
  });
});

describe("init-compare: std 0.01, Xavier, He on MNIST", async () => {
  const run = await runQuick("init-compare", out.dir);

  it("with std 0.01 the network does not learn: the loss stays at ln 10", () => {
    const small = run.json.results.runs.find((r: { init: string }) => r.init === "normal(0.01)");
    for (const l of small.losses) expect(l).toBeCloseTo(Math.log(10), 2);
    expect(run.claim("with std = 0.01").holds).toBe(true);
  });
});

describe("hyperparameter-search: random lr and weight decay on a validation split", async () => {
  const run = await runQuick("hyperparameter-search", out.dir);

  it("holds out 20% for validation and ranks the trials by validation accuracy", () => {
    const { settings, results } = run.json;
    expect(settings.validation).toBe(Math.floor(0.2 * settings.rows));
    expect(settings.train + settings.validation).toBe(settings.rows);
    expect(results.trials).toHaveLength(settings.trials);
    const acc = results.trials.map((t: { valAccuracy: number }) => t.valAccuracy);
    expect(acc).toEqual([...acc].sort((a, b) => b - a));
    for (const t of results.trials) {
      expect(t.lr).toBeGreaterThanOrEqual(1e-6);
      expect(t.lr).toBeLessThanOrEqual(1e-2);
      expect(t.weightDecay).toBeGreaterThanOrEqual(1e-8);
      expect(t.weightDecay).toBeLessThanOrEqual(1e-4);
      expect(t.valCurve).toHaveLength(settings.epochs + 1);
    }
    expect(run.json.figures).toEqual(["best.svg", "trials.svg"]);
  });
});
