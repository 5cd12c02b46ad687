// Issue 13.2: cross_entropy on raw scores (the PyTorch habit). `nnc check` warns at the call and
// names softmax_cross_entropy; training that is NaN from the first step names likelier causes
// than the learning rate; numbers in messages are printed short.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DivergedError } from "../../src/runtime/train.js";
import { shortNumber } from "../../src/short-number.js";
import { classifier, csvRows, nnc, scratch } from "../support/cli.js";

const t = scratch("nnc-raw-");
const raw = t.put(
  "raw.nn",
  classifier(3, "", "Raw")
    .replace("output y = softmax(tanh(x @ W1 + b1) @ W2 + b2)", "scores = tanh(x @ W1 + b1) @ W2 + b2\n  output y = scores")
    .replace("cross_entropy(y, t)", "cross_entropy(scores, t)"),
);

describe("cross_entropy on raw scores", () => {
  it("nnc check warns at the call and suggests softmax_cross_entropy", async () => {
    const r = await nnc("check", raw);
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      `${raw}:10:8: warning: cross_entropy expects probabilities (a softmax or sigmoid output), but its input is not one`,
    );
    expect(r.err).toContain("softmax_cross_entropy(logits, t)");
    expect(r.err).toContain("  loss cross_entropy(scores, t)\n         ^~~~");
  });

  it("does not warn on softmax, sigmoid or the shipped models", async () => {
    const sig = t.put("sig.nn", classifier(3).replace("softmax(", "sigmoid("));
    const r = await nnc(
      "check",
      t.put("ok.nn", classifier(3)),
      sig,
      ...["two_layer_net", "simple_net", "multi_layer_net"].map((m) => `models/${m}.nn`),
    );
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
  });

  it("training that is NaN at step 1 names the likelier causes, not the learning rate", async () => {
    const data = t.put("d.csv", csvRows(40, 3));
    const r = await nnc("train", raw, "--data", data, "--out", join(t.dir, "run"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("nnc: error: the loss became NaN at step 1, before any update, so the learning rate is not the cause.");
    expect(r.err).toContain("use softmax_cross_entropy(logits, t)");
    expect(r.err).not.toContain("--lr");
  });

  it("a later divergence suggests a tenth of the learning rate, printed short", () => {
    expect(new DivergedError(7, NaN, 1e-5).message).toBe(
      "the loss became NaN at step 7: the learning rate is probably too high (--lr 0.00001); try a 10x lower learning rate, --lr 0.000001",
    );
    expect(new DivergedError(3, 3.00000001e12, 0.3).message).toContain("exploded to 3000000000000 at step 3");
    expect(shortNumber(0.1 / 3)).toBe("0.03333");
    expect(shortNumber(1e-7)).toBe("1e-7");
  });
});
