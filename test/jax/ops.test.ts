// Every op's JAX rendering (src/codegen/jax/ops.ts) against its float64 reference, over the op
// table: each op's own samples of shapes and attributes, in the smallest graph that uses it
// (test/support/op-graph.ts), its output in inference mode and, for ops without random draws,
// the loss and jax.grad in training mode against nnc's backward graph. Tolerance as for the
// models (test/jax/models.test.ts): 1e-8 relative in float64.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderJaxModule } from "../../src/codegen/jax/module.js";
import { differentiate } from "../../src/graph/autodiff.js";
import { run } from "../../src/graph/interpret.js";
import type { Graph } from "../../src/graph/ir.js";
import { OP_KINDS, OPS } from "../../src/graph/ops/index.js";
import type { SampleGen } from "../../src/graph/ops/types.js";
import type { Tensor } from "../../src/graph/tensor.js";
import { createRng } from "../../src/runtime/rng.js";
import { AGREE_DRIVER, expectClose, jaxPython, largest, plain, runPython, type JaxResult } from "../support/jax.js";
import { graphOf } from "../support/models.js";
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

// Dropout's masks come from jax.random: the same key gives the same mask (forward and jax.grad
// see one draw), another key another, and the share of dropped units is the ratio (20,000 draws:
// the standard error is 0.003, the bound 0.02).
const DROPOUT_DRIVER = String.raw`
import importlib.util, json, sys
import jax, jax.numpy as jnp
c = json.load(sys.stdin)
spec = importlib.util.spec_from_file_location("m", c["path"])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
params = {"s": jnp.ones(())}
batch = {"x": jnp.ones((200, 100)), "t": jnp.ones((200, 100))}
k1, k2 = jax.random.PRNGKey(1), jax.random.PRNGKey(2)
a, b, again = (m.loss(params, batch, k) for k in (k1, k2, k1))
print(json.dumps({"a": float(a), "b": float(b), "again": float(again), "predict": float(jnp.mean(m.predict(params, {"x": batch["x"]})["y"]))}))
`;

describe.skipIf(!jaxPython)("dropout in the JAX module", () => {
  it("draws one mask per key, dropping the ratio of units; inference scales by 1 - ratio", () => {
    const g = graphOf(
      `model D {
  input x: [batch, 100]
  target t: [batch, 100]
  param s: [] = ones
  output y = dropout(x * s, 0.3)
  loss sum(y * t) / 20000
}
`,
    );
    const path = join(mkdtempSync(join(tmpdir(), "nnc-jax-dropout-")), "d.py");
    writeFileSync(path, renderJaxModule(g));
    const r = runPython(DROPOUT_DRIVER, { path }) as { a: number; b: number; again: number; predict: number };
    expect(r.again).toBe(r.a);
    expect(r.b).not.toBe(r.a);
    for (const kept of [r.a, r.b]) expect(Math.abs(kept - 0.7)).toBeLessThan(0.02);
    expect(r.predict).toBeCloseTo(0.7, 6); // float32
  });
});
