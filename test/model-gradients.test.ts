// End to end through the parser: random models, written as .nn text, have analytic gradients that
// match the numerical ones. A failing case is shrunk and printed as its .nn source.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { differentiate } from "../src/graph/autodiff.js";
import { verifyGraph } from "../src/graph/verify.js";
import { gradcheck } from "../src/gradcheck.js";
import { arbitraryModel } from "./support/arbitrary-model.js";
import { graphOf } from "./support/models.js";

const RUNS = Number(process.env.NNC_FC_RUNS ?? 200);

describe("gradients of generated models", () => {
  it("match the central difference in float64 (relative error <= 1e-6)", () => {
    fc.assert(
      fc.property(arbitraryModel, fc.nat(1000), (source, seed) => {
        const g = graphOf(source, {}, "generated.nn");
        verifyGraph(differentiate(g));
        const r = gradcheck(g, { samples: 6, seed, batch: 6 });
        if (!r.ok) throw new Error(`gradient mismatch ${JSON.stringify(r.worst)} in\n${source}`);
      }),
      { seed: 42, numRuns: RUNS },
    );
  });

  it("the generator covers blocks, repeat, shared params, batch norm and dropout", () => {
    const samples = fc.sample(arbitraryModel, { seed: 1, numRuns: 300 }).join("\n");
    for (const feature of ["Dense(", "repeat(", "batchnorm(", "dropout(", "maximum(", "softmax(", "tanh(h"])
      expect(samples).toContain(feature);
  });
});
