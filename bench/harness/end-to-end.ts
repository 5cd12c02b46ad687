// End-to-end times, beside the per-step table: what a person waits for. For the book's
// TwoLayerNet on all of MNIST:
//   - one epoch: 600 steps of batch 100 (data shuffling, batch copies, step, SGD), no evaluation;
//   - the book's whole run, `nnc train models/two_layer_net.nn --data mnist` as a user types it
//     (10,000 steps, the accuracy on all 70,000 images after every epoch), timed as a process:
//     Node start-up, MNIST loading and compiling included.
// numpy runs the book's own loop (bench/peers/numpy_train.py: ch04/train_neuralnet.py) on the
// same data. Each run is a process of its own; the times are wall-clock seconds, the medians of
// interleaved rounds (as the step bench's; a run slower than 30 s, nnc's JS backend on the book's
// run, goes once).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../../src/runtime/data/index.js";
import { median, roundOrder, SLOW_ROUND_SECONDS } from "./protocol.js";

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
  /** Each round's process seconds, when the run was repeated (the figures above are their medians). */
  readonly rounds?: readonly number[];
}

/** One process's figures (a run's, before they are named). */
type Result = Omit<EndToEndRun, "id" | "label" | "what">;

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

/**
 * Every run `rounds` times, interleaved as the step bench's peers are (each round in the last
 * one's order rotated by one: the machine's speed drifts); a run's figures are the medians of its
 * rounds, and `rounds` keeps each round's process seconds.
 */
export function endToEnd(root: string, dir: string, rounds = 1): EndToEndRun[] {
  const nnc = (id: string, what: EndToEndRun["what"], backend: "wasm" | "js", env: NodeJS.ProcessEnv = process.env): Result => {
    const out = join(dir, `run-${id}-${what === "epoch" ? "epoch" : "book"}`);
    const args = [join(root, "bin", "nnc.js"), "train", "models/two_layer_net.nn", "--data", "mnist", "--json", "--out", out, "--backend", backend, ...(what === "epoch" ? ["--iters", "600", "--no-eval"] : [])];
    return result(timed(process.execPath, args, root, env));
  };
  const numpy = (what: EndToEndRun["what"], dtype: "f32" | "f64"): Result => {
    const script = join(root, "bench", "peers", "numpy_train.py");
    return result(timed("python3", [script, dir, dtype, what === "epoch" ? "600" : "10000", what === "epoch" ? "no-evaluate" : "evaluate"], root));
  };
  const runners: readonly { id: string; label: string; run: (what: EndToEndRun["what"]) => Result }[] = [
    { id: "nnc-wasm", label: "nnc wasm (default)", run: (what) => nnc("nnc-wasm", what, "wasm") },
    { id: "nnc-wasm-1t", label: "nnc wasm, 1 thread", run: (what) => nnc("nnc-wasm-1t", what, "wasm", { ...process.env, NNC_THREADS: "1" }) },
    { id: "nnc-js", label: "nnc js", run: (what) => nnc("nnc-js", what, "js") },
    { id: "numpy-f32", label: "numpy f32 (the book's loop)", run: (what) => numpy(what, "f32") },
    { id: "numpy-f64", label: "numpy f64 (the book's loop)", run: (what) => numpy(what, "f64") },
  ];
  const runs: EndToEndRun[] = [];
  for (const what of ["epoch", "book run"] as const) {
    const results = new Map<string, Result[]>();
    for (let round = 0; round < rounds; round++) {
      process.stderr.write(`  end to end: ${what}${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ""}\n`);
      const order = roundOrder(runners, round);
      for (const r of order) {
        const earlier = results.get(r.id) ?? [];
        if (round > 0 && (earlier[0]!.error !== undefined || earlier[0]!.processSeconds! > SLOW_ROUND_SECONDS)) continue;
        results.set(r.id, [...earlier, r.run(what)]);
      }
    }
    for (const r of runners) runs.push({ id: r.id, label: r.label, what, ...medianOf(results.get(r.id)!) });
  }
  return runs;
}

function result(r: { seconds: number; stdout: string; error?: string }): Result {
  const json = lastJson(r.stdout) as { seconds?: number; testAccuracy?: number } | undefined;
  return {
    processSeconds: r.seconds,
    ...(json?.seconds !== undefined && { loopSeconds: json.seconds }),
    ...(json?.testAccuracy != null && { testAccuracy: json.testAccuracy }),
    ...(r.error !== undefined && { error: r.error }),
  };
}

/** The first failure, or the medians of the rounds' seconds (the first round's accuracy: every round trains the same run). */
function medianOf(rounds: readonly Result[]): Result {
  const failed = rounds.find((r) => r.error !== undefined);
  if (failed) return failed;
  const loops = rounds.flatMap((r) => (r.loopSeconds === undefined ? [] : [r.loopSeconds]));
  return {
    ...rounds[0],
    processSeconds: median(rounds.map((r) => r.processSeconds!)),
    ...(loops.length > 0 && { loopSeconds: median(loops) }),
    rounds: rounds.map((r) => r.processSeconds!),
  };
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
  const rounds = Math.max(...runs.map((r) => r.rounds?.length ?? 1));
  const lines = [
    `End to end, TwoLayerNet on all of MNIST (wall-clock seconds of the whole process${rounds > 1 ? `, the median of up to ${rounds} interleaved rounds` : ""}; the loop's own seconds in parentheses):`,
    "",
    "| run | one epoch: 600 steps, no evaluation | the book's run: 10,000 steps, accuracy on 70,000 images every epoch |",
    "| --- | ---: | ---: |",
    ...ids.map((id) => `| ${runs.find((r) => r.id === id)!.label} | ${cell(id, "epoch")} | ${cell(id, "book run")} |`),
  ];
  return lines.join("\n");
}
