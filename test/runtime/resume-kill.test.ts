// Killing `nnc train` (SIGKILL, or Ctrl-C's SIGINT) and resuming gives exactly the params of an
// uninterrupted run: checkpoints are written atomically, and they hold everything the run needs.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readSafetensors } from "../../src/runtime/safetensors.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "nnc.js");
const built = existsSync(join(root, "dist", "cli.js"));
const dir = mkdtempSync(join(tmpdir(), "nnc-kill-"));
const model = join(dir, "blobs.nn");
const csv = join(dir, "blobs.csv");
const args = (out: string) => ["train", model, "--data", csv, "--out", out, "--epochs", "60", "--seed", "5"];

beforeAll(() => {
  writeFileSync(
    model,
    `model Blobs {
  input x: [batch, 2]
  target t: index[batch]
  param W1: [2, 16] = he
  param b1: [16] = zeros
  param W2: [16, 3] = xavier
  param b2: [3] = zeros
  h = dropout(relu(x @ W1 + b1), 0.2)
  output y = softmax(h @ W2 + b2)
  loss softmax_cross_entropy(h @ W2 + b2, t)
  train { optimizer = adam(lr = 0.01)  batch_size = 16 }
}
`,
  );
  const rows: string[] = [];
  for (let i = 0; i < 320; i++) {
    const c = i % 3;
    const a = Math.cos(i * 1.7) * 0.8 + [1.5, -1, -1][c]!;
    const b = Math.sin(i * 2.3) * 0.8 + [0, 1.5, -1.5][c]!;
    rows.push(`${c},${a.toFixed(4)},${b.toFixed(4)}`);
  }
  writeFileSync(csv, rows.join("\n") + "\n");
});

/** Runs nnc train and sends `signal` once the output shows epoch `after` done. */
function interrupted(
  out: string,
  signal: NodeJS.Signals,
  after: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args(out)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (d) => {
      stdout += String(d);
      if (!sent && new RegExp(`epoch\\s+${after}/`).test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on("data", (d) => void (stderr += String(d)));
    child.on("exit", (code, sig) => resolve({ code, signal: sig, stderr }));
  });
}

function params(out: string): Record<string, number[]> {
  const file = readSafetensors(join(out, "params.safetensors"));
  return Object.fromEntries(Object.entries(file.tensors).map(([k, t]) => [k, [...t.data]]));
}

describe.skipIf(!built)("killing and resuming nnc train", () => {
  let reference: Record<string, number[]>;
  beforeAll(() => {
    const out = join(dir, "uninterrupted");
    const r = spawnSync(process.execPath, [bin, ...args(out)], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    reference = params(out);
  });

  it("after SIGKILL, --resume continues from the last checkpoint to the same params", async () => {
    const out = join(dir, "killed");
    const killed = await interrupted(out, "SIGKILL", 7);
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(out, "params.safetensors"))).toBe(false);
    const resumed = spawnSync(process.execPath, [bin, ...args(out), "--resume"], { encoding: "utf8" });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming from step \d+/);
    expect(params(out)).toEqual(reference);
  });

  it("Ctrl-C (SIGINT) saves a checkpoint, exits 130 with how to resume, and resuming gives the same params", async () => {
    const out = join(dir, "interrupted");
    const r = await interrupted(out, "SIGINT", 4);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(
      /interrupted at step \d+; checkpoint saved in .*checkpoint\.safetensors; continue with: nnc train .* --resume/,
    );
    const resumed = spawnSync(process.execPath, [bin, ...args(out), "--resume"], { encoding: "utf8" });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(params(out)).toEqual(reference);
  });
});
