// `nnc train --engine jax` as a user meets it: the same run folder as nnc's own engine (params
// that `nnc eval` reads back to the accuracy the run reported, metrics, plots), the same numbers
// as nnc's engine on the same batches (within float32 rounding), and `devices` on the result line.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifier, csvRows, nnc, scratch } from "../support/cli.js";
import { jaxPython } from "../support/jax.js";

describe.skipIf(!jaxPython)("nnc train --engine jax", () => {
  const s = scratch("nnc-jax-cli-");
  const model = s.put("small.nn", classifier(2));
  const csv = s.put("data.csv", csvRows(300, 2));

  it("writes the run folder nnc's engine writes, and nnc eval reads its params", async () => {
    const out = join(s.dir, "jax");
    const r = await nnc("train", model, "--data", csv, "--val-split", "0.2", "--engine", "jax", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/steps\/s, 1 device\)/);
    for (const f of ["params.safetensors", "best.safetensors", "metrics.json", "loss.svg", "accuracy.svg", "model.nn", "settings.json"])
      expect(existsSync(join(out, f)), f).toBe(true);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.devices).toBe(1);
    expect(metrics.losses).toHaveLength(72); // 3 epochs of 240 rows / 10
    const e = await nnc("eval", "--run", out, "--data", csv, "--json");
    expect(e.code).toBe(0);
    const trained = metrics.epochs.at(-1);
    // eval reads all 300 rows; the run reported its 240 training and 60 validation rows.
    expect(JSON.parse(e.out).accuracy).toBeCloseTo((240 * trained.trainAccuracy + 60 * trained.valAccuracy) / 300, 10);

    const own = join(s.dir, "nnc");
    expect((await nnc("train", model, "--data", csv, "--val-split", "0.2", "--out", own)).code).toBe(0);
    const ownMetrics = JSON.parse(readFileSync(join(own, "metrics.json"), "utf8"));
    // Same init, batches and Adam: float32 kernels that round differently, 1e-4 apart after 72 steps.
    metrics.losses.forEach((l: number, i: number) => expect(Math.abs(l - ownMetrics.losses[i]) / l, `step ${i + 1}`).toBeLessThan(1e-4));
  }, 180_000);

  it("says how to get jax when the Python has none", async () => {
    const saved = process.env.NNC_PYTHON;
    process.env.NNC_PYTHON = "/nonexistent/python3";
    try {
      const r = await nnc("train", model, "--data", csv, "--engine", "jax");
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--engine jax: cannot run \/nonexistent\/python3 .*pip install jax/);
    } finally {
      process.env.NNC_PYTHON = saved;
    }
  });
});
