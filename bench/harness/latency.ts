// Inference latency beside the training step: `predict` on 1 row and on 100 rows, timed in a
// process of its own (bench/predict.ts) with two threads and with one.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DataFiles } from "./data.js";
import type { Job } from "./job.js";
import type { Plan } from "./protocol.js";
import type { Workload } from "./workloads.js";

export interface LatencyRun {
  readonly label: string;
  /** By batch size: median ms per predict call and the 10th–90th percentile of the chunks. */
  readonly byBatch?: Readonly<Record<string, { ms: number; p10: number; p90: number }>>;
  readonly error?: string;
}

export function predictLatency(w: Workload, files: DataFiles, plan: Plan, dir: string, root: string, script: string): LatencyRun[] {
  const runs: [string, NodeJS.ProcessEnv][] = [
    ["nnc wasm f32 predict (default, 2 threads)", process.env],
    ["nnc wasm f32 predict, 1 thread", { ...process.env, NNC_THREADS: "1" }],
  ];
  return runs.map(([label, env], i) => {
    const result = join(dir, `${w.id}.predict${i}.result.json`);
    const job: Job = { peer: "predict", dtype: "f32", workload: w, files, plan, root, result, params: "" };
    const path = join(dir, `${w.id}.predict${i}.job.json`);
    writeFileSync(path, JSON.stringify(job));
    const r = spawnSync(process.execPath, [script, path], { env, encoding: "utf8" });
    if (!existsSync(result)) return { label, error: (r.stderr || `exit ${r.status}`).trim().split("\n").slice(-1)[0] };
    return { label, byBatch: JSON.parse(readFileSync(result, "utf8")) as LatencyRun["byBatch"] };
  });
}

export function latencyTable(w: Workload, runs: readonly LatencyRun[]): string {
  const batches = Object.keys(runs.find((r) => r.byBatch)?.byBatch ?? {});
  const head = `${w.id}: predict latency, ms per call (p10–p90)\n\n| run | ${batches.map((b) => `batch ${b}`).join(" | ")} |\n| --- |${batches.map(() => " ---: |").join("")}`;
  const rows = runs.map((r) =>
    r.byBatch
      ? `| ${r.label} | ${batches.map((b) => `${fmt(r.byBatch![b]!.ms)} (${fmt(r.byBatch![b]!.p10)}–${fmt(r.byBatch![b]!.p90)})`).join(" | ")} |`
      : `| ${r.label} | failed: ${r.error} |`,
  );
  return [head, ...rows].join("\n");
}

function fmt(ms: number): string {
  return ms < 0.1 ? ms.toFixed(4) : ms.toFixed(3);
}
