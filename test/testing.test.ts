// nnc/testing, the users' gradient-testing API, and the README's example of it.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectGradientsMatch, feedsArbitrary, loadModel } from "../src/testing/index.js";
import { MODELS_DIR } from "./support/models.js";

describe("nnc/testing", () => {
  it("the README shows the example test that this repo runs, word for word", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("./examples/user-gradients.test.ts", import.meta.url), "utf8");
    expect(readme).toContain(example.trim());
  });

  it("loads models from files and from source text, with formatted errors", () => {
    expect(loadModel(`${MODELS_DIR}/simple_net.nn`).model).toBe("SimpleNet");
    expect(() => loadModel("model M { input x: [batch, 2]\n output y = x @ x }")).toThrow(/<source>:2:\d+: error: inner dimensions/);
  });

  it("feedsArbitrary draws valid one-hot targets and values in range", () => {
    const g = loadModel(`${MODELS_DIR}/simple_net.nn`);
    for (const feeds of fc.sample(feedsArbitrary(g, { batch: 3 }), { numRuns: 20, seed: 2 })) {
      const t = feeds.t!;
      for (let r = 0; r < 3; r++) expect(t.data.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b)).toBe(1);
      expect(Math.max(...feeds.W!.data.map(Math.abs))).toBeLessThanOrEqual(2);
    }
  });

  it("expectGradientsMatch throws a readable report when gradients differ", () => {
    // A "model" whose analytic gradient is deliberately compared at a tolerance it cannot meet.
    expect(() => expectGradientsMatch(`${MODELS_DIR}/simple_net.nn`, { tolerance: 1e-20 })).toThrow(/FAILED: worst is W\[/);
  });
});
