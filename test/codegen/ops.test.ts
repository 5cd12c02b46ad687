// One property over the op table: for random samples of every op (the shapes, broadcasting and
// attributes its `sample` draws, values from its test domain), the compiled one-op graph
// (test/support/op-graph.ts: loss Σ op(...)·R) gives the interpreter's outputs and gradients,
// f64 within 1e-10, in inference and training mode. A second property does the same for random
// whole models (test/support/arbitrary-model.ts), f64 and f32.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OpKind } from "../../src/graph/ops/attrs.js";
import { OP_KINDS, OPS } from "../../src/graph/ops/index.js";
import type { Tensor } from "../../src/graph/tensor.js";
import { randomFeeds } from "../../src/gradcheck.js";
import { graphOf } from "../support/models.js";
import { domainValues, opGraph } from "../support/op-graph.js";
import { arbitraryModel } from "../support/arbitrary-model.js";
import { compare, compiled, feedsFor } from "./compare.js";

const RUNS = Number(process.env.NNC_FC_RUNS ?? 15);
const LEAVES: readonly OpKind[] = ["input", "param", "state", "const"];

describe("compiled one-op graphs = the reference interpreter (f64, 1e-10)", () => {
  for (const kind of OP_KINDS.filter((k) => !LEAVES.includes(k))) {
    it(`${kind}`, async () => {
      const def = OPS[kind];
      await fc.assert(
        fc.asyncProperty(fc.gen(), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (gen, seed) => {
          const sample = def.sample!({ int: (min, max) => gen(fc.integer, { min, max }), bool: () => gen(fc.boolean) });
          const g = opGraph(kind, sample.shapes, sample.attrs as never, def.domain);
          let s = seed;
          const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
          const feeds: Record<string, Tensor> = {};
          sample.shapes.forEach((shape, i) => (feeds[`a${i}`] = domainValues(def.domain[i]!, shape, u, sample.attrs as never)));
          feeds.R = domainValues("any", g.inputs.find((i) => i.name === "R")!.shape as number[], u, {});
          const c = compare(g, await compiled(g, { dtype: "f64" }), feeds, "f64", seed);
          for (const [what, err] of Object.entries(c.errors))
            expect(err, `${kind} ${JSON.stringify(sample)}: ${what}`).toBeLessThanOrEqual(1e-10);
        }),
        { seed: 11, numRuns: RUNS },
      );
    });
  }
});

describe("compiled random models = the reference interpreter", () => {
  for (const dtype of ["f64", "f32"] as const) {
    it(`${dtype}: outputs, loss, gradients, state`, async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryModel, fc.integer({ min: 1, max: 6 }), async (text, batch) => {
          const g = graphOf(text);
          const feeds = dtype === "f64" ? randomFeeds(g, { batch, seed: batch }) : feedsFor(g, dtype, batch, batch);
          const c = compare(g, await compiled(g, { dtype }), feeds, dtype, batch);
          const tolerance = dtype === "f64" ? 1e-10 : 1e-4;
          for (const [what, err] of Object.entries(c.errors)) expect(err, `${what} of\n${text}`).toBeLessThanOrEqual(tolerance);
        }),
        { seed: Number(process.env.NNC_FC_SEED ?? 5), numRuns: Math.max(10, RUNS * 2) },
      );
    });
  }
});
