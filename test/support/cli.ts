// Runs the nnc command line in-process with captured output, as the CLI tests do, and writes
// small models and data sets into a temp folder.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli.js";
import type { Io } from "../../src/commands/io.js";

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function nnc(...argv: string[]): Promise<Run> {
  let out = "";
  let err = "";
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}

/** A fresh temp folder; `put(name, text)` writes a file there and returns its path. */
export function scratch(prefix: string): { dir: string; put(name: string, content: string | Uint8Array): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    put(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}

/** A small classifier of 2 features into `classes` classes, with a train section. */
export function classifier(classes: number, extra = "", name = "Small"): string {
  return `model ${name}(hidden = 8) {
  input x: [batch, 2]
  target t: onehot[batch, ${classes}]
  param W1: [2, hidden] = xavier
  param b1: [hidden] = zeros
  param W2: [hidden, ${classes}] = xavier
  param b2: [${classes}] = zeros
  output y = softmax(tanh(x @ W1 + b1) @ W2 + b2)
  loss cross_entropy(y, t)
  train {
    optimizer = adam(lr = 0.05)
    batch_size = 10
    epochs = 3${extra}
  }
}
`;
}

/** `rows` CSV rows of two features with labels 0..classes-1 (a header first); `bad` overrides some labels by row. */
export function csvRows(rows: number, classes: number, bad: Readonly<Record<number, number>> = {}): string {
  const out = ["label,a,b"];
  for (let i = 0; i < rows; i++) {
    const a = ((i * 7919) % 100) / 100 - 0.5;
    const b = ((i * 104729) % 100) / 100 - 0.5;
    out.push(`${bad[i] ?? (a * b > 0 ? 1 : 0) % classes},${a},${b}`);
  }
  return out.join("\n") + "\n";
}
