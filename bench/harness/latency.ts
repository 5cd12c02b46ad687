// Inference latency beside the training step: `predict` on 1 row and on 100 rows for nnc and its
// inference peers (onnxruntime-node, onnxruntime-web's wasm build, tfjs-wasm), each timed in a
// process of its own (bench/predict.ts). nnc's first run writes its outputs on the check's
// inputs; every other run compares its own with them before timing, and one that disagrees is
// reported WRONG.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MakePredictor } from "../peers/predictor.js";
import { downloads, downloadTable, writeArtifacts, type Download } from "./artifacts.js";
import type { DataFiles } from "./data.js";
import type { Plan } from "./protocol.js";
import type { PredictWorkload } from "./workloads.js";

export interface PredictRun {
  readonly id: string;
  readonly label: string;
  /** How many threads it computes on, for the table. */
  readonly threads: string;
  readonly load: (w: PredictWorkload) => Promise<MakePredictor>;
  readonly env?: Readonly<Record<string, string>>;
  /** Loads the `.onnx` file `nnc export` writes. */
  readonly onnx?: true;
}

export const PREDICT_RUNS: readonly PredictRun[] = [
  { id: "nnc", label: "nnc wasm f32", threads: "2", load: () => import("../peers/predictor.js").then((m) => m.nncPredictor) },
  { id: "nnc-1t", label: "nnc wasm f32", threads: "1", env: { NNC_THREADS: "1" }, load: () => import("../peers/predictor.js").then((m) => m.nncPredictor) },
  { id: "ort-node", onnx: true, label: "onnxruntime-node (native CPU)", threads: "2", load: () => import("../peers/onnxruntime.js").then((m) => m.onnxruntimeNode(2)) },
  { id: "ort-node-1t", onnx: true, label: "onnxruntime-node (native CPU)", threads: "1", load: () => import("../peers/onnxruntime.js").then((m) => m.onnxruntimeNode(1)) },
  { id: "ort-web", onnx: true, label: "onnxruntime-web (wasm)", threads: "2", load: () => import("../peers/onnxruntime.js").then((m) => m.onnxruntimeWeb(2)) },
  { id: "ort-web-1t", onnx: true, label: "onnxruntime-web (wasm)", threads: "1", load: () => import("../peers/onnxruntime.js").then((m) => m.onnxruntimeWeb(1)) },
  { id: "tfjs-wasm", label: "tfjs-wasm", threads: "1", load: (w) => import("../peers/tfjs-predict.js").then((m) => m.tfjsPredictor(w)) },
];

/** What bench/predict.ts is handed (as a JSON file). */
export interface PredictJob {
  /** A PREDICT_RUNS id. */
  readonly peer: string;
  readonly workload: PredictWorkload;
  readonly files: DataFiles;
  readonly plan: Plan;
  readonly root: string;
  /** Where the run writes its PredictResult. */
  readonly result: string;
  /** nnc's outputs on the check's inputs (JSON, by batch); the run that makes it writes it. */
  readonly reference: string;
  readonly writesReference: boolean;
  /** The model and its params as `nnc export` writes them (the onnxruntime peers load it). */
  readonly onnx: string;
}

export interface BatchLatency {
  readonly ms: number;
  readonly p10: number;
  readonly p90: number;
}

/** What one run reports: its times by batch size, or why it has none; `wrong` when it disagrees with nnc. */
export interface PredictResult {
  readonly byBatch?: Readonly<Record<string, BatchLatency>>;
  readonly wrong?: string;
  readonly info?: Readonly<Record<string, string>>;
}

export interface LatencyRun extends PredictResult {
  readonly id: string;
  readonly label: string;
  readonly threads: string;
  readonly error?: string;
}

/** The predict runs' latencies, and the bytes each library makes a page download. */
export interface PredictPhase {
  readonly runs: readonly LatencyRun[];
  readonly downloads?: readonly Download[];
  /** Why there is no .onnx file or compiled module (the CLI is not built). */
  readonly error?: string;
}

export function predictPhase(w: PredictWorkload, files: DataFiles, plan: Plan, dir: string, root: string, script: string): PredictPhase {
  let made: { downloads: Download[]; onnx: string } | { error: string };
  try {
    const a = writeArtifacts(w, files, dir, root);
    made = { downloads: downloads(w, a), onnx: a.onnx };
  } catch (e) {
    made = { error: e instanceof Error ? e.message : String(e) };
  }
  const onnx = "onnx" in made ? made.onnx : "";
  const reference = join(dir, `${w.id}.predict.reference.json`);
  const runs = PREDICT_RUNS.map((run, i): LatencyRun => {
    const base = { id: run.id, label: run.label, threads: run.threads };
    if (run.onnx && "error" in made) return { ...base, error: `no .onnx file: ${made.error}` };
    const result = join(dir, `${w.id}.predict.${run.id}.result.json`);
    const job: PredictJob = { peer: run.id, workload: w, files, plan, root, result, reference, writesReference: i === 0, onnx };
    const path = join(dir, `${w.id}.predict.${run.id}.job.json`);
    writeFileSync(path, JSON.stringify(job));
    const r = spawnSync(process.execPath, [script, path], { env: { ...process.env, ...run.env }, encoding: "utf8", timeout: 300_000 });
    const out = existsSync(result) ? (JSON.parse(readFileSync(result, "utf8")) as PredictResult & { error?: string }) : { error: (r.stderr || `exit ${r.status ?? r.signal}`).trim().split("\n").slice(-1)[0] };
    process.stderr.write(`  ${w.id}  predict ${run.id.padEnd(12)} ${out.byBatch ? Object.entries(out.byBatch).map(([b, t]) => `batch ${b}: ${fmt(t.ms)} ms`).join(", ") : out.error}\n`);
    return { ...base, ...out };
  });
  return { runs, ...("error" in made ? { error: made.error } : { downloads: made.downloads }) };
}

export function predictTables(w: PredictWorkload, phase: PredictPhase): string {
  const bytes = phase.downloads ? downloadTable(w, phase.downloads) : `${w.id}: no download table: ${phase.error}`;
  return `${latencyTable(w, phase.runs)}\n\n${bytes}`;
}

function cell(b: BatchLatency | undefined): string {
  return b ? `${fmt(b.ms)} (${fmt(b.p10)}–${fmt(b.p90)})` : "";
}

function latencyTable(w: PredictWorkload, runs: readonly LatencyRun[]): string {
  const batches = Object.keys(runs.find((r) => r.byBatch)?.byBatch ?? {});
  const nnc = runs.find((r) => r.id === "nnc")?.byBatch;
  const head =
    `${w.id}: predict latency, ms per call, median (p10–p90); ÷ nnc is the run's time over nnc's (2 threads): above 1, nnc is faster\n\n` +
    `| run | threads | ${batches.map((b) => `batch ${b} | ÷ nnc`).join(" | ")} |\n| --- | ---: |${batches.map(() => " ---: | ---: |").join("")}`;
  const rows = runs.map((r) => {
    const lead = `| ${r.label}${r.wrong ? ` (WRONG: ${r.wrong})` : ""} | ${r.threads} |`;
    if (!r.byBatch) return `${lead} failed: ${r.error} |`;
    const cells = batches.map((b) => `${cell(r.byBatch![b])} | ${nnc?.[b] && r.byBatch![b] ? (r.byBatch![b]!.ms / nnc[b]!.ms).toFixed(2) : ""}`);
    return `${lead} ${cells.join(" | ")} |`;
  });
  const facts = runs.filter((r) => r.info).map((r) => `- ${r.id}: ${Object.entries(r.info!).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  return [head, ...rows, "", ...facts].join("\n");
}

function fmt(ms: number): string {
  return ms < 0.1 ? ms.toFixed(4) : ms.toFixed(3);
}
