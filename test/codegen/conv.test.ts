// Compiled convolutional models against the reference interpreter: generated models
// (test/support/arbitrary-conv-model.ts: random strides, pads, pooling, per-channel batch norm,
// dropout) give the interpreter's outputs, loss, gradients and running statistics, by the
// measure of compare.ts. Tolerances as for the other models: JS f64 1e-10 (the kernels add in the
// reference's order), JS f32 1e-4, wasm f32 5e-3 (float32 sums; see wasm-models.test.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbitraryConvModel } from "../support/arbitrary-conv-model.js";
import { graphOf } from "../support/models.js";
import { randomFeeds } from "../../src/gradcheck.js";
import { compare, compiled, feedsFor } from "./compare.js";

const RUNS = Number(process.env.NNC_FC_RUNS ?? 15);

const targets = [
  { dtype: "f64", backend: "js", tolerance: 1e-10 },
  { dtype: "f32", backend: "js", tolerance: 1e-4 },
  { dtype: "f32", backend: "wasm", tolerance: 5e-3 },
] as const;

describe("compiled convolutional models = the reference interpreter", () => {
  for (const { dtype, backend, tolerance } of targets) {
    it(`${backend} ${dtype}: outputs, loss, gradients, state within ${tolerance}`, async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryConvModel, fc.integer({ min: 1, max: 5 }), async (text, batch) => {
          const g = graphOf(text);
          const feeds = dtype === "f64" ? randomFeeds(g, { batch, seed: batch }) : feedsFor(g, dtype, batch, batch);
          const c = compare(g, await compiled(g, { dtype, backend }), feeds, dtype, batch);
          for (const [what, err] of Object.entries(c.errors)) expect(err, `${what} of\n${text}`).toBeLessThanOrEqual(tolerance);
        }),
        { seed: 21, numRuns: RUNS * 2 },
      );
    });
  }
});
