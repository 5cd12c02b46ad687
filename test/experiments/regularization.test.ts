// `nnc experiment` for batch norm and regularization, on --quick runs small enough for the
// reference interpreter: batch norm against none at two of the book's bad weight scales, and a
// small network overfitting 100 images without regularization, with weight decay, with dropout.
import { afterAll, describe, expect, it } from "vitest";
import { runQuick, tempOut } from "./support.js";

const out = tempOut();
afterAll(() => out.cleanup());

describe("batchnorm: with and without batch norm over initial weight scales", async () => {
  const run = await runQuick("batchnorm", out.dir);
  const scale = (w: number) => run.json.results.scales.find((s: { w: number }) => s.w === w);

  it("batch norm learns faster at the book's bad initializations", () => {
    // W = 1: without batch norm the activations grow ~7x per layer and the loss explodes.
    const big = scale(1);
    expect(big.plain.divergedAt).not.toBeNull();
    expect(big.batchnorm.divergedAt).toBeNull();
    expect(big.batchnorm.trainAccuracy.at(-1)).toBeGreaterThan(big.batchnorm.trainAccuracy[0]);
    // W = 0.01: without batch norm the signal vanishes and the loss stays at ln 10; with it, it falls.
    const small = scale(0.01);
    expect(small.plain.loss.at(-1)).toBeCloseTo(Math.log(10), 2);
    expect(small.batchnorm.loss.at(-1)).toBeLessThan(small.plain.loss.at(-1) - 0.1);
    expect(run.claim("batch norm learns faster").holds).toBe(true);
  });
});

describe("overfitting: no regularization, weight decay, dropout", async () => {
  const run = await runQuick("overfitting", out.dir);
  const { plain, weightDecay, dropout } = run.json.results;

  it("records train and test accuracy for every epoch of the three runs", () => {
    for (const r of [plain, weightDecay, dropout]) {
      expect(r.trainAccuracy).toHaveLength(run.json.settings.epochs + 1);
      expect(r.testAccuracy).toHaveLength(run.json.settings.epochs + 1);
      expect(r.divergedAt).toBeNull();
    }
    expect(run.json.figures).toEqual(["baseline.svg", "weight-decay.svg", "dropout.svg", "gap.svg"]);
  });

  it("the plain network overfits: training accuracy far above test accuracy", () => {
    expect(plain.final.gap).toBeGreaterThan(0.2);
  });

  it("dropout narrows the train/test gap, and so does weight decay", () => {
    expect(dropout.final.gap).toBeLessThan(plain.final.gap - 0.05);
    expect(weightDecay.final.gap).toBeLessThan(plain.final.gap);
  });
});
