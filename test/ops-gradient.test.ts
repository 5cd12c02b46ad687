// One property over the whole op table: each op's analytic gradient (its rule, run through the
// autodiff driver) equals the float64 central difference on random shapes (broadcasting
// included) and values from the op's declared domain.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OP_KINDS, OPS } from "../src/graph/ops/index.js";
import type { OpKind } from "../src/graph/ops/attrs.js";
import { gradcheck } from "../src/gradcheck.js";
import { verifyGraph } from "../src/graph/verify.js";
import { differentiate } from "../src/graph/autodiff.js";
import { run } from "../src/graph/interpret.js";
import { domainValues, opGraph } from "./support/op-graph.js";

const RUNS = Number(process.env.NNC_FC_RUNS ?? 40);
const LEAVES: readonly OpKind[] = ["input", "param", "state", "const"];

/** stop_gradient is the one op whose rule is deliberately not its derivative. */
const NOT_DIFFERENTIABLE: readonly OpKind[] = ["stop_gradient"];

describe("gradient rules of the op table", () => {
  it("every non-leaf op can be sampled, so none escapes the check", () => {
    const missing = OP_KINDS.filter((k) => !LEAVES.includes(k) && OPS[k].sample === null);
    expect(missing).toEqual([]);
  });

  for (const kind of OP_KINDS.filter((k) => !LEAVES.includes(k) && !NOT_DIFFERENTIABLE.includes(k))) {
    it(`${kind}: analytic gradient = central difference (float64, h = 1e-4, relative error <= 1e-6)`, () => {
      const def = OPS[kind];
      fc.assert(
        fc.property(fc.gen(), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (gen, seed) => {
          const sample = def.sample!({ int: (min, max) => gen(fc.integer, { min, max }), bool: () => gen(fc.boolean) });
          const g = opGraph(kind, sample.shapes, sample.attrs as never, def.domain);
          verifyGraph(g);
          verifyGraph(differentiate(g));
          let s = seed;
          const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
          const feeds = Object.fromEntries([
            ...sample.shapes.map((shape, i) => [`a${i}`, domainValues(def.domain[i]!, shape, u, sample.attrs as never)]),
          ]);
          const outShape = g.inputs.find((i) => i.name === "R")!.shape as number[];
          feeds.R = domainValues("any", outShape, u, {});
          const r = gradcheck(g, { all: true, feeds, seed });
          if (!r.ok) throw new Error(`${kind} ${JSON.stringify(sample)}: ${JSON.stringify(r.worst)}`);
        }),
        { seed: 7, numRuns: RUNS },
      );
    });
  }

  it("stop_gradient passes values through and stops gradients", () => {
    const g = differentiate(opGraph("stop_gradient", [[2, 3]], {}, ["any"]));
    const x = domainValues("any", [2, 3], Math.random, {});
    const R = domainValues("any", [2, 3], Math.random, {});
    const r = run(g, { a0: x, R });
    expect([...r.outputs.out!.data]).toEqual([...x.data]);
    expect([...r.grads.a0!.data]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
