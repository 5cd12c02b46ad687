// The JAX target against nnc's interpreter, in float64, for every model in models/ with a loss
// (and the batch-norm / dropout variants the compiled-module tests use): predict in inference
// mode, the loss and the state's next values in training mode, and jax.grad(loss) against nnc's
// own backward graph. Tolerance 1e-8 relative to max(|entry|, 1e-6 of the array's scale): both
// sides compute the same formulas in float64, in orders that differ (XLA's reductions and
// fusions), so they agree to about 1e-14; a wrong rendering or gradient is off by O(1). Gradients
// take the scale of all of the model's gradients: one that is zero in exact arithmetic (a bias
// before batch norm) is rounding noise of ~1e-16 on both sides, with no relative meaning.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { renderJaxModule } from "../../src/codegen/jax/module.js";
import { differentiate } from "../../src/graph/autodiff.js";
import { run } from "../../src/graph/interpret.js";
import type { Graph } from "../../src/graph/ir.js";
import { randomFeeds } from "../../src/gradcheck.js";
import fc from "fast-check";
import { arbitraryConvModel } from "../support/arbitrary-conv-model.js";
import { graphOf, graphOfFile, MODELS_DIR, modelFiles } from "../support/models.js";
import { expectClose, jaxPython, largest, plain, runPython, AGREE_DRIVER, type JaxResult } from "../support/jax.js";

const cases: [string, string, Record<string, string>][] = [
  ...modelFiles().map((f): [string, string, Record<string, string>] => [basename(f), f, {}]),
  ["multi_layer_net_extend.nn (depth 3)", `${MODELS_DIR}/multi_layer_net_extend.nn`, { depth: "3" }],
  ["multi_layer_net.nn (sigmoid, xavier)", `${MODELS_DIR}/multi_layer_net.nn`, { depth: "2", activation: "sigmoid", init: "xavier" }],
  ["multi_layer_net.nn (tanh)", `${MODELS_DIR}/multi_layer_net.nn`, { depth: "2", activation: "tanh" }],
];

// Convolutional models, generated (conv2d, pooling, per-channel batch norm, flatten): none is in models/ yet.
const convModels = fc.sample(arbitraryConvModel, { seed: 18, numRuns: 6 });

describe.skipIf(!jaxPython)("the JAX module = nnc's interpreter in float64 (predict, loss, jax.grad)", () => {
  const dir = mkdtempSync(join(tmpdir(), "nnc-jax-"));
  const sources = [...cases.map(([, file]) => readFileSync(file, "utf8")), ...convModels];
  const graphs = [...cases.map(([, file, set]) => graphOfFile(file, { set })), ...convModels.map((text) => graphOf(text, {}, "conv.nn"))];
  const names = [
    ...cases.map(([name, , set]) => `${name} ${JSON.stringify(set)}`),
    ...convModels.map((_, i) => `generated conv model ${i}`),
  ];
  const trained = (g: Graph) => g.loss !== undefined;
  let results: JaxResult[] = [];
  const feedsOf = graphs.map((g) => randomFeeds(g, { batch: 5, seed: 3 }));

  beforeAll(() => {
    const input = graphs.map((g, i) => {
      const path = join(dir, `model_${i}.py`);
      writeFileSync(path, renderJaxModule(g, { sources: new Map([[g.span?.file ?? "", sources[i]!]]) }));
      const feeds = feedsOf[i]!;
      const leaves = new Set([...g.params, ...g.states].map((p) => p.name));
      const pick = (keep: (k: string) => boolean) =>
        Object.fromEntries(
          Object.entries(feeds)
            .filter(([k]) => keep(k))
            .map(([k, t]) => [k, plain(t)]),
        );
      return { path, params: pick((k) => leaves.has(k)), batch: pick((k) => !leaves.has(k)) };
    });
    results = runPython(AGREE_DRIVER, input) as JaxResult[];
  }, 240_000);

  names.forEach((name, i) => {
    it(name, () => {
      const g = graphs[i]!;
      const feeds = feedsOf[i]!;
      const r = results[i]!;
      const inference = run({ ...g, loss: undefined }, feeds, { training: false });
      for (const o of g.outputs) expectClose(r.outputs[o.name]!, inference.outputs[o.name]!.data, `output ${o.name}`);
      // Dropout draws from jax.random in JAX, from nnc's streams here: only its inference agrees.
      if (!trained(g) || g.nodes.some((n) => n.op === "dropout_mask" && n.attrs.ratio > 0)) return;
      const training = run(differentiate(g), feeds, { training: true });
      expectClose([r.loss!], [training.loss!], "loss");
      const scale = Math.max(...g.params.map((p) => largest(training.grads[p.name]!.data)));
      for (const p of g.params) expectClose(r.grads![p.name]!, training.grads[p.name]!.data, `∂loss/∂${p.name}`, scale);
      for (const s of g.states) expectClose(r.state![s.name]!, training.state[s.name]!.data, `next ${s.name}`);
    });
  });
});
