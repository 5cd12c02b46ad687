// The JAX engine's re-implementation of nnc's loop, against nnc's own loop in float64 on the same
// batches: every optimizer family, the book's weight decay, clipping by global norm, a learning-rate
// schedule after warm-up, draws with replacement, batch norm's running statistics. Both sides
// compute the same formulas in float64 in different orders: params agree to 1e-9 of their scale
// after 30 steps (measured ~1e-13); a wrong update rule is off by 1e-3 or more. And the settings
// it cannot honour are usage errors that say so.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/commands/io.js";
import { jaxEngine } from "../../src/commands/train-jax.js";
import { resolveSettings } from "../../src/commands/train-settings.js";
import { loadMnist, subset } from "../../src/runtime/data/index.js";
import { executableFor } from "../../src/runtime/backend.js";
import { trainWithJax } from "../../src/runtime/jax-engine.js";
import { train } from "../../src/runtime/train.js";
import type { TrainConfig } from "../../src/runtime/train-types.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";
import { jaxPython, largest } from "../support/jax.js";

const mnist = loadMnist();
const data = { train: subset(mnist.train, 400), test: subset(mnist.test, 100) };
const base: TrainConfig = { optimizer: { name: "sgd", args: {} }, batchSize: 40, iters: 30, seed: 5, weightDecay: 0, dtype: "f64" };

const cases: [string, string, Record<string, string>, Partial<TrainConfig>][] = [
  ["momentum, weight decay", "two_layer_net.nn", {}, { optimizer: { name: "momentum", args: { lr: 0.1 } }, weightDecay: 0.01 }],
  ["nesterov, clipping", "two_layer_net.nn", { hidden: "20" }, { optimizer: { name: "nesterov", args: { lr: 0.2 } }, clipNorm: 0.5 }],
  ["adagrad, with replacement", "mnist_relu_adam.nn", {}, { optimizer: { name: "adagrad", args: {} }, sampling: "with_replacement" }],
  [
    "rmsprop, cosine after warm-up",
    "two_layer_net.nn",
    {},
    { optimizer: { name: "rmsprop", args: {} }, lrSchedule: { name: "cosine", args: {} }, warmup: 5 },
  ],
  [
    "adamw, batch norm",
    "multi_layer_net_extend.nn",
    { depth: "2", width: "30" },
    { optimizer: { name: "adamw", args: { weight_decay: 0.1 } }, weightDecay: 0.001 },
  ],
  // MNIST's flat rows read as [1, 28, 28] images, as nnc's loop reads them.
  ["adam, a conv net on image rows", "simple_conv_net.nn", { filters: "4", hidden: "16" }, { optimizer: { name: "adam", args: {} } }],
];

describe.skipIf(!jaxPython)("the JAX engine = nnc's loop in float64", () => {
  for (const [name, file, set, extra] of cases) {
    it(`${name} (${file})`, async () => {
      const g = graphOfFile(`${MODELS_DIR}/${file}`, { set });
      const config = { ...base, ...extra };
      const { exe } = await executableFor(g, { dtype: "f64" });
      const nnc = train(g, exe, data, config);
      const jax = await trainWithJax(g, data, config, jaxPython!);
      jax.history.losses.forEach((loss, i) => expect(Math.abs(loss - nnc.history.losses[i]!) / loss, `loss ${i + 1}`).toBeLessThan(1e-9));
      const leaves = [...g.params, ...g.states];
      // One scale for the model: a bias before batch norm has only rounding noise for a gradient.
      const scale = Math.max(...leaves.map((p) => largest(nnc.params[p.name]!)));
      for (const p of leaves) {
        const [a, b] = [nnc.params[p.name]!, jax.params[p.name]!];
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${p.name}[${i}]`).toBeLessThan(1e-9 * scale);
      }
      expect(jax.history.epochs.map((e) => e.testAccuracy)).toEqual(nnc.history.epochs.map((e) => e.testAccuracy));
    }, 120_000);
  }
});

describe("settings the JAX engine cannot honour", () => {
  const g = graphOfFile(`${MODELS_DIR}/two_layer_net.nn`);
  const usage = (flags: Record<string, string | boolean>, engine: Record<string, string | boolean> = {}) => {
    try {
      jaxEngine({ engine: "jax", ...engine }, resolveSettings(g, flags));
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    return "";
  };
  it("are usage errors naming them", () => {
    expect(usage({ patience: "3" })).toMatch(/--patience.*not supported with --engine jax/);
    expect(usage({}, { resume: true })).toMatch(/--resume.*JAX engine does not write/);
    expect(usage({}, { backend: "wasm" })).toMatch(/drop --backend/);
    expect(usage({}, { optimizer: "./my-opt.js" })).toMatch(/optimizer written in JavaScript/);
    expect(() => jaxEngine({ engine: "torch" }, resolveSettings(g, {}))).toThrow(/--engine must be nnc or jax/);
  });
  it("names how to install jax when Python has none", async () => {
    const { findPythonWithJax } = await import("../../src/runtime/python.js");
    const r = findPythonWithJax({ ...process.env, NNC_PYTHON: "/nonexistent/python3" });
    expect("missing" in r && r.missing).toMatch(/pip install jax/);
  });
});
