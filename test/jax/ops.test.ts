// Every op's JAX rendering (src/codegen/jax/ops.ts) against its float64 reference, over the op
// table: each op's own samples of shapes and attributes, in the smallest graph that uses it
// (test/support/op-graph.ts), its output in inference mode and, for ops without random draws,
// the loss and jax.grad in training mode against nnc's backward graph. Tolerance as for the
// models (test/jax/models.test.ts): 1e-8 relative in float64.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { renderJaxModule } from "../../src/codegen/jax/module.js";
import { differentiate } from "../../src/graph/autodiff.js";
import { run } from "../../src/graph/interpret.js";
import type { Graph } from "../../src/graph/ir.js";
import { OP_KINDS, OPS } from "../../src/graph/ops/index.js";
import type { SampleGen } from "../../src/graph/ops/types.js";
import type { Tensor } from "../../src/graph/tensor.js";
import { createRng } from "../../src/runtime/rng.js";
import { AGREE_DRIVER, expectClose, jaxPython, largest, plain, runPython, type JaxResult } from "../support/jax.js";
import { domainValues, opGraph } from "../support/op-graph.js";

const SAMPLES = 2;

interface Case {
  readonly name: string;
  readonly g: Graph;
  readonly feeds: Record<string, Tensor>;
  readonly random: boolean;
}

function cases(): Case[] {
  const rng = createRng(18);
  const gen: SampleGen = { int: (min, max) => min + rng.int(max - min + 1), bool: () => rng.next() < 0.5 };
  const out: Case[] = [];
  for (const op of OP_KINDS) {
    const def = OPS[op];
    if (!def.sample) continue;
    for (let k = 0; k < SAMPLES; k++) {
      const { shapes, attrs } = def.sample(gen);
      const g = opGraph(op, shapes, attrs, def.domain);
      const feeds: Record<string, Tensor> = {};
      shapes.forEach((s, i) => (feeds[`a${i}`] = domainValues(def.domain[i]!, s, () => rng.next(), attrs as Record<string, unknown>)));
      const outShape = g.inputs.find((i) => i.name === "R")!.shape as number[];
      feeds.R = domainValues("any", outShape, () => rng.next(), {});
      out.push({ name: `${op} ${JSON.stringify(shapes)} ${JSON.stringify(attrs)}`, g, feeds, random: def.random !== undefined });
    }
  }
  return out;
}

describe.skipIf(!jaxPython)("every op's JAX rendering = its float64 reference", () => {
  const all = cases();
  let results: JaxResult[] = [];
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "nnc-jax-ops-"));
    const input = all.map((c, i) => {
      const path = join(dir, `op_${i}.py`);
      writeFileSync(path, renderJaxModule(c.g));
      const params = new Set(c.g.params.map((p) => p.name));
      const pick = (keep: boolean) =>
        Object.fromEntries(
          Object.entries(c.feeds)
            .filter(([k]) => params.has(k) === keep)
            .map(([k, t]) => [k, plain(t)]),
        );
      // predict reads the fixed inputs (targets) too: pass them all.
      return { path, params: pick(true), batch: pick(false), predictAll: true };
    });
    results = runPython(AGREE_DRIVER, input) as JaxResult[];
  }, 240_000);

  all.forEach((c, i) => {
    it(c.name, () => {
      const r = results[i]!;
      expectClose(r.outputs.out!, run({ ...c.g, loss: undefined }, c.feeds).outputs.out!.data, "output");
      if (c.random) return; // dropout draws from jax.random in JAX, from nnc's streams here: only inference agrees
      const training = run(differentiate(c.g), c.feeds, { training: true });
      expectClose([r.loss!], [training.loss!], "loss");
      const scale = Math.max(...c.g.params.map((p) => largest(training.grads[p.name]!.data)));
      for (const p of c.g.params) expectClose(r.grads![p.name]!, training.grads[p.name]!.data, `∂loss/∂${p.name}`, scale);
    });
  });
});
