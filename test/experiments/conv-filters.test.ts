// `nnc experiment conv-filters` (the book's ch. 7 filter figure): its --quick run trains
// SimpleConvNet for 60 steps and draws the 30 first-layer filters before and after, and feature
// maps of test digits; and the roughness measure behind its claim tells noise from structure.
import { afterAll, describe, expect, it } from "vitest";
import { roughness } from "../../src/experiments/conv-filters.js";
import { runQuick, tempOut } from "./support.js";

const out = tempOut();
afterAll(() => out.cleanup());

describe("roughness of a 5×5 filter", () => {
  it("is about 1 for independent noise and near 0 for a smooth ramp", () => {
    let s = 7;
    const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
    const noise = Array.from({ length: 100 }, () => roughness(Array.from({ length: 25 }, u), 5));
    expect(noise.reduce((a, b) => a + b, 0) / noise.length).toBeGreaterThan(0.8);
    const ramp = Array.from({ length: 25 }, (_, i) => Math.floor(i / 5) + (i % 5));
    expect(roughness(ramp, 5)).toBeLessThan(0.3);
  });
});

describe("conv-filters: SimpleConvNet's first-layer filters", () => {
  it("draws the filters before and after training and the feature maps, and the filters smooth out", { timeout: 600_000 }, async () => {
    const run = await runQuick("conv-filters", out.dir);
    expect(run.json.figures).toEqual(["filters-before.svg", "filters-after.svg", "feature-maps.svg"]);
    // The book's filters to start from, not the model file's default He (std √(2/25) ≈ 0.28):
    // 750 draws of normal(0.01) have a root mean square within 10% of 0.01.
    expect(Math.abs(run.json.results.initialStd - 0.01)).toBeLessThan(0.001);
    expect(run.json.results.roughnessAfter).toBeLessThan(run.json.results.roughnessBefore);
    expect(run.json.results.testAccuracy).toBeGreaterThan(0.5);
  });
});
