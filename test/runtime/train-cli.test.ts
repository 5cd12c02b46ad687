// `nnc train` and `nnc eval` as a user meets them: on a small CSV data set, with the run's files,
// JSON output, resume, and clear errors for bad data, bad flags and a diverging loss.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import type { Io } from "../../src/commands/io.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-train-"));
const model = join(dir, "xor.nn");
const csv = join(dir, "xor.csv");

async function nnc(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}

beforeAll(() => {
  writeFileSync(
    model,
    `model Xor(hidden = 8) {
  input x: [batch, 2]
  target t: onehot[batch, 2]
  param W1: [2, hidden] = xavier
  param b1: [hidden] = zeros
  param W2: [hidden, 2] = xavier
  param b2: [2] = zeros
  output y = softmax(tanh(x @ W1 + b1) @ W2 + b2)
  loss cross_entropy(y, t)
  train {
    optimizer = adam(lr = 0.05)
    batch_size = 20
    epochs = 30
  }
}
`,
  );
  const rows = ["label,a,b"];
  for (let i = 0; i < 200; i++) {
    const a = ((i * 7919) % 100) / 100 - 0.5;
    const b = ((i * 104729) % 100) / 100 - 0.5;
    rows.push(`${a * b > 0 ? 1 : 0},${a},${b}`);
  }
  writeFileSync(csv, rows.join("\n") + "\n");
});

describe("nnc train", () => {
  it("trains from the model's train section and writes the run's files", async () => {
    const out = join(dir, "run");
    const r = await nnc("train", model, "--data", csv, "--out", out, "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === "epoch")).toHaveLength(31);
    const result = lines.at(-1);
    expect(result.type).toBe("result");
    expect(result.trainAccuracy).toBeGreaterThan(0.9);
    for (const key of ["testAccuracy", "loss", "seconds", "epochs"]) expect(result).toHaveProperty(key);
    for (const f of [
      "params.safetensors",
      "checkpoint.safetensors",
      "metrics.json",
      "loss.svg",
      "accuracy.svg",
      "model.nn",
      "settings.json",
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, "loss.svg"), "utf8")).toMatch(/^<svg[^]*Xor: training loss[^]*<\/svg>$/);
    const settings = JSON.parse(readFileSync(join(out, "settings.json"), "utf8")).settings;
    expect(settings.optimizer).toEqual({ name: "adam", args: { lr: 0.05 } });

    const ev = await nnc("eval", model, "--params", join(out, "params.safetensors"), "--data", csv, "--json");
    expect(ev.code).toBe(0);
    const e = JSON.parse(ev.out);
    expect(e.accuracy).toBeCloseTo(result.trainAccuracy, 10);
    expect(e.confusion.flat().reduce((a: number, b: number) => a + b)).toBe(200);
  });

  it("--no-eval trains the same steps without the accuracy passes", async () => {
    const out = join(dir, "run-no-eval");
    const r = await nnc("train", model, "--data", csv, "--out", out, "--epochs", "2", "--no-eval");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^done in .* steps\/s\), loss \d/m);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.trainAccuracy).toBeNull();
    expect(metrics.testAccuracy).toBeNull();
    expect(metrics.losses.length).toBeGreaterThan(0);
  });

  it("flags override the model's settings, and --resume continues a finished run's checkpoint only with the same settings", async () => {
    const out = join(dir, "run2");
    const r = await nnc("train", model, "--data", csv, "--out", out, "--epochs", "2", "--optimizer", "sgd", "--lr", "0.5");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sgd\(lr=0.5\), batch 20, 20 steps \(2 epochs of 10\)/);
    const again = await nnc("train", model, "--data", csv, "--out", out, "--epochs", "2", "--optimizer", "sgd", "--lr", "0.3", "--resume");
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/--resume: the settings differ from the checkpoint's/);
  });

  it("reports bad data with the file and the problem, not a stack trace", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "1,0.5,0.5\n0,abc,0.1\n");
    const r = await nnc("train", model, "--data", bad, "--out", join(dir, "bad"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.csv.*row 2.*column 2/i);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("refuses data whose width does not match the model's input", async () => {
    const wide = join(dir, "wide.csv");
    writeFileSync(wide, "1,0.5,0.5,0.1\n0,0.2,0.1,0.3\n");
    const r = await nnc("train", model, "--data", wide);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/3 features per row, but input 'x' of Xor takes 2/);
  });

  it("stops a diverging run with the step and a learning rate to try", async () => {
    const r = await nnc("train", model, "--data", csv, "--out", join(dir, "nan"), "--optimizer", "sgd", "--lr", "1e6", "--epochs", "3");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /at step \d+: the learning rate is probably too high \(--lr 1000000\); try a 10x lower learning rate, --lr 100000/,
    );
  });

  it("rejects bad flags as usage errors", async () => {
    expect((await nnc("train", model, "--data", csv, "--lr", "-1")).code).toBe(2);
    expect((await nnc("train", model, "--data", csv, "--epochs", "2", "--iters", "5")).code).toBe(2);
    expect((await nnc("train", model)).err).toMatch(/--data is required/);
    const unknown = await nnc("train", model, "--data", csv, "--optimizer", "adamm");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/did you mean "adam"/);
    expect(unknown.out).toBe("");
  });
});
