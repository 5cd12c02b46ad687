// Issue 13.7: a run folder is self-contained (`nnc eval --run DIR` evaluates it as it was
// trained, --set values included), fine-tuning starts from saved params (--init-from), and
// --resume with a larger --epochs extends a finished run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifier, csvRows, nnc, scratch } from "../support/cli.js";

const t = scratch("nnc-run-folder-");
const model = t.put("small.nn", classifier(3));
const csv = t.put("d.csv", csvRows(60, 3));
const json = (out: string) =>
  out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("a run folder", () => {
  it("nnc eval --run DIR evaluates a run trained with --set hidden=32, without the flag", async () => {
    const out = join(t.dir, "h32");
    expect((await nnc("train", model, "--data", csv, "--out", out, "--set", "hidden=32", "--json")).code).toBe(0);
    const plain = await nnc("eval", model, "--params", join(out, "params.safetensors"), "--data", csv);
    expect(plain.code).toBe(1); // the model's own hidden = 8 does not fit the params
    const r = await nnc("eval", "--run", out, "--data", csv, "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const withSet = await nnc("eval", model, "--set", "hidden=32", "--params", join(out, "params.safetensors"), "--data", csv, "--json");
    expect(JSON.parse(r.out)).toEqual(JSON.parse(withSet.out));
    expect(JSON.parse(readFileSync(join(out, "settings.json"), "utf8")).set).toEqual({ hidden: "32" });
    const both = await nnc("eval", model, "--run", out, "--data", csv);
    expect(both.code).toBe(2);
  });

  it("--init-from starts from saved params: epoch 0 has the trained model's accuracy", async () => {
    const first = join(t.dir, "first");
    const a = json((await nnc("train", model, "--data", csv, "--out", first, "--json")).out);
    const trained = a.at(-1)!.trainAccuracy as number;
    const b = await nnc(
      "train",
      model,
      "--data",
      csv,
      "--out",
      join(t.dir, "tuned"),
      "--json",
      "--init-from",
      join(first, "params.safetensors"),
    );
    expect(b.code).toBe(0);
    const epoch0 = json(b.out).find((l) => l.type === "epoch" && l.epoch === 0)!;
    expect(epoch0.trainAccuracy).toBe(trained);
    const wrong = await nnc("train", model, "--data", csv, "--set", "hidden=4", "--init-from", join(first, "params.safetensors"));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/^nnc: error: --init-from: .*'W1' has shape \[2,8\], the model declares \[2,4\]/);
  });

  it("--resume --epochs N extends a finished run to what one run of N epochs reaches", async () => {
    const short = join(t.dir, "short");
    expect((await nnc("train", model, "--data", csv, "--out", short, "--epochs", "2", "--json")).code).toBe(0);
    const extended = await nnc("train", model, "--data", csv, "--out", short, "--epochs", "4", "--resume", "--json");
    expect(extended.err).toBe("");
    expect(extended.code).toBe(0);
    const whole = await nnc("train", model, "--data", csv, "--out", join(t.dir, "whole"), "--epochs", "4", "--json");
    const [e, w] = [json(extended.out).at(-1)!, json(whole.out).at(-1)!];
    expect(e.steps).toBe(w.steps);
    expect(e.trainAccuracy).toBe(w.trainAccuracy);
    expect(e.loss).toBe(w.loss);
    expect(readFileSync(join(short, "params.safetensors"))).toEqual(readFileSync(join(t.dir, "whole", "params.safetensors")));
    const shorter = await nnc("train", model, "--data", csv, "--out", short, "--epochs", "1", "--resume");
    expect(shorter.code).toBe(2);
    expect(shorter.err).toContain("has made 24 steps already, more than the 6 asked for");
  });
});
