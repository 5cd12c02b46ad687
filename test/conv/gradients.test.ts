// Generated convolutional models (test/support/arbitrary-conv-model.ts: random filters, kernel
// sizes, strides, pads, pooling, per-channel batch norm, dropout) have analytic gradients equal
// to the float64 central difference, end to end through the parser. Same tolerance as the op
// table's property (relative error <= 1e-6; kinks of relu and max pooling are passed over).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { differentiate } from "../../src/graph/autodiff.js";
import { verifyGraph } from "../../src/graph/verify.js";
import { gradcheck } from "../../src/gradcheck.js";
import { arbitraryConvModel } from "../support/arbitrary-conv-model.js";
import { graphOf } from "../support/models.js";

const RUNS = Number(process.env.NNC_FC_RUNS ?? 40);

describe("gradients of generated convolutional models", () => {
  it("match the central difference in float64 (relative error <= 1e-6)", () => {
    fc.assert(
      fc.property(arbitraryConvModel, fc.nat(1000), (source, seed) => {
        const g = graphOf(source, {}, "generated.nn");
        verifyGraph(differentiate(g));
        const r = gradcheck(g, { samples: 6, seed, batch: 3 });
        if (!r.ok) throw new Error(`gradient mismatch ${JSON.stringify(r.worst)} in\n${source}`);
      }),
      { seed: 12, numRuns: RUNS },
    );
  });

  it("the generator covers strided and padded convolution and pooling, batch norm and dropout", () => {
    const samples = fc.sample(arbitraryConvModel, { seed: 1, numRuns: 200 }).join("\n");
    for (const feature of ["stride = 2, pad = 1)", "max_pool(", "avg_pool(", "batchnorm(", "dropout(", "flatten("])
      expect(samples).toContain(feature);
  });
});
