// End-to-end times, beside the per-step table: what a person waits for. For the book's
// TwoLayerNet on all of MNIST:
//   - one epoch: 600 steps of batch 100 (data shuffling, batch copies, step, SGD), no evaluation;
//   - the book's whole run, `nnc train models/two_layer_net.nn --data mnist` as a user types it
//     (10,000 steps, the accuracy on all 70,000 images after every epoch), timed as a process:
//     Node start-up, MNIST loading and compiling included.
// numpy runs the book's own loop (bench/peers/numpy_train.py: ch04/train_neuralnet.py) on the
// same data. Each run is a process of its own; the times are wall-clock seconds.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../../src/runtime/data/index.js";

export interface EndToEndRun {
  readonly id: string;
  readonly label: string;
  readonly what: "epoch" | "book run";
  /** Wall-clock seconds of the whole process. */
  readonly processSeconds?: number;
  /** Seconds of the training loop as the program itself reports them (no start-up, no loading). */
  readonly loopSeconds?: number;
  readonly testAccuracy?: number;
  readonly error?: string;
}

/** MNIST as numpy_train.py reads it. */
export function writeMnist(dir: string, train: Dataset, test: Dataset): void {
  for (const [name, ds] of [["train", train], ["test", test]] as const) {
    writeFileSync(join(dir, `${name}_x.f32`), new Uint8Array(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength));
    writeFileSync(join(dir, `${name}_y.u8`), Uint8Array.from(ds.labels));
  }
}

function timed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { seconds: number; stdout: string; error?: string } {
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) return { seconds, stdout: "", error: (r.error as NodeJS.ErrnoException).code === "ENOENT" ? `${command} is not installed` : r.error.message };
  if (r.status !== 0) return { seconds, stdout: r.stdout, error: (r.stderr || r.stdout).trim().split("\n").slice(-1)[0] ?? `exit ${r.status}` };
  return { seconds, stdout: r.stdout };
}

/** The last JSON line of a program's output. */
function lastJson(stdout: string): Record<string, unknown> | undefined {
  const line = stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
}

export function endToEnd(root: string, dir: string): EndToEndRun[] {
  const runs: EndToEndRun[] = [];
  const nnc = (id: string, label: string, what: EndToEndRun["what"], backend: "wasm" | "js", env: NodeJS.ProcessEnv = process.env) => {
    const out = join(dir, `run-${id}-${what === "epoch" ? "epoch" : "book"}`);
    const args = [join(root, "bin", "nnc.js"), "train", "models/two_layer_net.nn", "--data", "mnist", "--json", "--out", out, "--backend", backend, ...(what === "epoch" ? ["--iters", "600", "--no-eval"] : [])];
    const r = timed(process.execPath, args, root, env);
    const result = lastJson(r.stdout) as { type?: string; seconds?: number; testAccuracy?: number } | undefined;
    runs.push({ id, label, what, processSeconds: r.seconds, ...(result?.seconds !== undefined && { loopSeconds: result.seconds }), ...(result?.testAccuracy != null && { testAccuracy: result.testAccuracy }), ...(r.error !== undefined && { error: r.error }) });
  };
  const numpy = (id: string, label: string, what: EndToEndRun["what"], dtype: "f32" | "f64") => {
    const script = join(root, "bench", "peers", "numpy_train.py");
    const r = timed("python3", [script, dir, dtype, what === "epoch" ? "600" : "10000", what === "epoch" ? "no-evaluate" : "evaluate"], root);
    const result = lastJson(r.stdout) as { seconds?: number; testAccuracy?: number } | undefined;
    runs.push({ id, label, what, processSeconds: r.seconds, ...(result?.seconds !== undefined && { loopSeconds: result.seconds }), ...(result?.testAccuracy != null && { testAccuracy: result.testAccuracy }), ...(r.error !== undefined && { error: r.error }) });
  };
  for (const what of ["epoch", "book run"] as const) {
    process.stderr.write(`  end to end: ${what}\n`);
    nnc("nnc-wasm", "nnc wasm (default)", what, "wasm");
    nnc("nnc-wasm-1t", "nnc wasm, 1 thread", what, "wasm", { ...process.env, NNC_THREADS: "1" });
    nnc("nnc-js", "nnc js", what, "js");
    numpy("numpy-f32", "numpy f32 (the book's loop)", what, "f32");
    numpy("numpy-f64", "numpy f64 (the book's loop)", what, "f64");
  }
  return runs;
}

export function endToEndTable(runs: readonly EndToEndRun[]): string {
  const ids = [...new Set(runs.map((r) => r.id))];
  const cell = (id: string, what: EndToEndRun["what"]) => {
    const r = runs.find((x) => x.id === id && x.what === what);
    if (!r) return "";
    if (r.error !== undefined) return `failed: ${r.error}`;
    const acc = r.testAccuracy !== undefined ? `, test ${(100 * r.testAccuracy).toFixed(2)}%` : "";
    return `${r.processSeconds!.toFixed(1)} s (loop ${r.loopSeconds?.toFixed(1) ?? "?"} s${acc})`;
  };
  const lines = [
    "End to end, TwoLayerNet on all of MNIST (wall-clock seconds of the whole process; the loop's own seconds in parentheses):",
    "",
    "| run | one epoch: 600 steps, no evaluation | the book's run: 10,000 steps, accuracy on 70,000 images every epoch |",
    "| --- | ---: | ---: |",
    ...ids.map((id) => `| ${runs.find((r) => r.id === id)!.label} | ${cell(id, "epoch")} | ${cell(id, "book run")} |`),
  ];
  return lines.join("\n");
}
