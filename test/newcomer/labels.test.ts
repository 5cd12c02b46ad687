// Issue 13.1: a label the model cannot hold (7 for a 3-class model) is a data error naming the
// file and the row, before any training; never a silent run or an 8×8 confusion matrix.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { idxBytes } from "../runtime/data-files.js";
import { classifier, csvRows, nnc, scratch } from "../support/cli.js";

const t = scratch("nnc-labels-");
const model = t.put("three.nn", classifier(3, "", "Three"));

describe("labels out of the model's range", () => {
  it("CSV: names the file, the row and the model's class count, and trains nothing", async () => {
    const data = t.put("bad.csv", csvRows(40, 3, { 5: 7 }));
    const out = join(t.dir, "run-csv");
    const r = await nnc("train", model, "--data", data, "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `nnc: error: ${data}: row 7, column 1 ("label"): label 7 is out of range [0, 3); Three's target 't' has 3 classes, so labels must be 0..2\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("IDX: names the labels file and the item", async () => {
    const images = t.put("imgs-idx3-ubyte", idxBytes("ubyte", [4, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    const labels = t.put("lbls-idx1-ubyte", idxBytes("ubyte", [4], [0, 2, 1, 5]));
    const r = await nnc("train", model, "--data", `${images},${labels}`, "--out", join(t.dir, "run-idx"));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${labels}: label 5 at index 3 is out of range [0, 3); Three's target 't' has 3 classes`);
  });

  it("mnist with a model of fewer than 10 classes", async () => {
    const wide = t.put("three784.nn", classifier(3).replace("[batch, 2]", "[batch, 784]").replace("[2, hidden]", "[784, hidden]"));
    const r = await nnc("train", wide, "--data", "mnist", "--out", join(t.dir, "run-mnist"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^nnc: error: mnist\/train-labels: label \d at index \d+ is out of range \[0, 3\)/);
  });

  it("nnc eval refuses them too, instead of printing a larger confusion matrix", async () => {
    const good = t.put("good.csv", csvRows(40, 3));
    const out = join(t.dir, "run-good");
    expect((await nnc("train", model, "--data", good, "--out", out, "--json")).code).toBe(0);
    const bad = t.put("bad-eval.csv", csvRows(40, 3, { 0: 7 }));
    const r = await nnc("eval", model, "--params", join(out, "params.safetensors"), "--data", bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}: row 2, column 1 ("label"): label 7 is out of range [0, 3)`);
  });
});
