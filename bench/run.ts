// `npm run bench`: the training step of the book's networks, nnc against its peers, side by side.
//
//   npm run bench -- [--quick] [--workload ID,...] [--peer ID,...] [--rounds N] [--no-save] [--end-to-end] [--predict]
//
// For each workload (bench/harness/workloads.ts): draw the batches from MNIST and the initial
// params once, run every peer (bench/harness/peers.ts) in a process of its own on them
// (bench/harness/protocol.ts), check that all peers computed the same training run, then print
// a table and nnc's predict latency (bench/harness/latency.ts; with --peer, only if --predict) and write bench/results/<date>-<workload>.json and .svg. Exits 1 when a peer failed
// its check or crashed; a peer that cannot run here (no numpy, no code generator yet) is listed
// with the reason.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadMnist } from "../src/runtime/data/index.js";
import { modelGraph, readF64, writeData, type DataFiles } from "./harness/data.js";
import { stepFlops } from "./harness/flops.js";
import type { Job, RunnerResult } from "./harness/job.js";
import { PEERS, type PeerEntry } from "./harness/peers.js";
import { FULL_PLAN, QUICK_PLAN, SLOW_ROUND_SECONDS, median, roundOrder, type Plan } from "./harness/protocol.js";
import { busyCores, chart, machine, record, summarize, table, TOLERANCE, type PeerRun } from "./harness/report.js";
import { WORKLOADS, type Workload } from "./harness/workloads.js";
import { endToEnd, endToEndTable, writeMnist } from "./harness/end-to-end.js";
import { predictPhase, predictTables } from "./harness/latency.js";

/** Batches drawn per workload; every phase cycles through them. */
const BATCHES = 50;
/** A runner that takes longer than this is stopped and reported as failed. */
const RUNNER_TIMEOUT_MS = 180_000;
/** Interleaved rounds of every peer on full runs (--rounds); each round times half of FULL_PLAN's seconds. */
const ROUNDS = 3;
/** Set on some machines for old OpenBLAS builds; they slow a current one, so the numpy runner goes without them. */
const OPENBLAS_VARS = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(join(dir, "package.json")) && existsSync(join(dir, "models")))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the repository's root (a folder with package.json and models/)");
    dir = up;
  }
  return dir;
}

/** The commit the bench ran on, `+` when the work tree had changes. */
function commitOf(root: string): string | undefined {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  if (head.status !== 0) return undefined;
  // The results this run writes (bench/results) do not make the code it ran dirty.
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"], { cwd: root, encoding: "utf8" });
  return head.stdout.trim() + (dirty.stdout.trim() ? "+" : "");
}

function pick<T extends { id: string }>(all: readonly T[], list: string | undefined, what: string): T[] {
  if (list === undefined) return [...all];
  return list.split(",").map((id) => {
    const found = all.find((x) => x.id === id);
    if (!found) throw new Error(`no ${what} '${id}' (${what}s: ${all.map((x) => x.id).join(", ")})`);
    return found;
  });
}

interface Child {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

function command(peer: PeerEntry, root: string, jobPath: string): Child {
  if (peer.runner.kind === "node") {
    return { command: process.execPath, args: [...(peer.runner.nodeFlags ?? []), fileURLToPath(new URL("./runner.js", import.meta.url)), jobPath], env: { ...process.env, ...peer.runner.env } };
  }
  const env = { ...process.env, ...peer.runner.env };
  for (const name of OPENBLAS_VARS) delete env[name];
  const python = peer.runner.nncPython ? process.env.NNC_PYTHON || "python3" : "python3";
  return { command: python, args: [join(root, "bench", "peers", peer.runner.script), jobPath], env };
}

/** Runs one peer's runner process; its output goes to stderr, its result comes back in a file. */
function runPeer(peer: PeerEntry, child: Child, resultPath: string): Promise<RunnerResult> {
  return new Promise((resolve) => {
    const proc = spawn(child.command, child.args, { env: child.env, stdio: ["ignore", process.stderr, process.stderr] });
    const timer = setTimeout(() => proc.kill(), RUNNER_TIMEOUT_MS);
    proc.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === "ENOENT") resolve({ status: "unavailable", reason: `skipped: ${child.command} is not installed` });
      else resolve({ status: "failed", error: e.message });
    });
    proc.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (existsSync(resultPath)) resolve(JSON.parse(readFileSync(resultPath, "utf8")) as RunnerResult);
      else resolve({ status: "failed", error: `${peer.id}'s runner exited (${signal ?? `code ${code}`}) without a result` });
    });
  });
}

function progress(peer: PeerEntry, r: RunnerResult): string {
  if (r.status === "ok") return `${median(r.timing.chunks).toFixed(3)} ms/step (${r.timing.steps} timed steps)`;
  if (r.status === "unavailable") return r.reason;
  return `failed: ${r.error}`;
}

/**
 * One peer's rounds as one result: every round's chunks (the report's median and p10–p90 are
 * over all of them), timed steps and seconds summed; the first round's check, warm-up and info.
 */
function mergeRounds(rounds: readonly RunnerResult[]): RunnerResult {
  const first = rounds[0]!;
  if (first.status !== "ok") return first;
  const ok = rounds.filter((r): r is Extract<RunnerResult, { status: "ok" }> => r.status === "ok");
  const timing = {
    ...first.timing,
    chunks: ok.flatMap((r) => r.timing.chunks),
    steps: ok.reduce((n, r) => n + r.timing.steps, 0),
    seconds: ok.reduce((n, r) => n + r.timing.seconds, 0),
  };
  return { ...first, timing, info: { ...first.info, rounds: String(ok.length) } };
}

/**
 * Every peer, `rounds` times over, interleaved (each round in the order of the last rotated by
 * one): this machine's speed drifts by up to 2x over seconds, and a peer timed in one stretch
 * would carry the drift of its stretch into the ratios. A peer whose first round failed or took
 * longer than SLOW_ROUND_SECONDS runs once.
 */
async function benchWorkload(
  w: Workload,
  peers: readonly PeerEntry[],
  files: DataFiles,
  plan: Plan,
  rounds: number,
  dir: string,
  root: string,
): Promise<Map<PeerEntry, PeerRun>> {
  const runs = new Map<PeerEntry, RunnerResult[]>();
  const once = new Set<PeerEntry>();
  for (let round = 0; round < rounds; round++) {
    const order = roundOrder(peers, round);
    for (const peer of order) {
      if (round > 0 && once.has(peer)) continue;
      const resultPath = join(dir, `${w.id}.${peer.id}.result.json`);
      const paramsPath = join(dir, `${w.id}.${peer.id}.params.f64`);
      const job: Job = { peer: peer.id, dtype: peer.dtype, workload: w, files, plan, root, result: resultPath, params: paramsPath };
      const jobPath = join(dir, `${w.id}.${peer.id}.job.json`);
      writeFileSync(jobPath, JSON.stringify(job));
      rmSync(resultPath, { force: true });
      const t0 = performance.now();
      const r = await runPeer(peer, command(peer, root, jobPath), resultPath);
      if (r.status !== "ok" || performance.now() - t0 > SLOW_ROUND_SECONDS * 1000) once.add(peer);
      runs.set(peer, [...(runs.get(peer) ?? []), r]);
      const tag = rounds > 1 ? ` (round ${round + 1}/${rounds})` : "";
      process.stderr.write(`  ${w.id}  ${peer.label.padEnd(22)} ${progress(peer, r)}${tag}\n`);
    }
  }
  const results = new Map<PeerEntry, PeerRun>();
  for (const peer of peers) {
    const r = mergeRounds(runs.get(peer)!);
    const paramsPath = join(dir, `${w.id}.${peer.id}.params.f64`);
    const unset = OPENBLAS_VARS.filter((v) => process.env[v] !== undefined).map((v) => `${v}=${process.env[v]}`);
    const result = r.status === "ok" && peer.runner.kind === "python" && unset.length > 0 ? { ...r, info: { ...r.info, unsetForThisRun: unset.join(" ") } } : r;
    results.set(peer, { result, params: r.status === "ok" && existsSync(paramsPath) ? readF64(paramsPath) : undefined });
  }
  return results;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      workload: { type: "string" },
      peer: { type: "string" },
      "no-save": { type: "boolean", default: false },
      "end-to-end": { type: "boolean" },
      predict: { type: "boolean", default: false },
      rounds: { type: "string" },
    },
  });
  const root = repositoryRoot();
  const rounds = values.rounds === undefined ? (values.quick ? 1 : ROUNDS) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of at least 1, not '${values.rounds}'`);
  const fullPlan = values.quick ? QUICK_PLAN : FULL_PLAN;
  // Each of several rounds times a share of the plan (1.5x in all: each round also warms up again).
  const share = rounds > 1 ? 1.5 / rounds : 1;
  const plan: Plan = { ...fullPlan, minSeconds: fullPlan.minSeconds * share, maxSeconds: fullPlan.maxSeconds * share, minSteps: Math.ceil(fullPlan.minSteps * share) };
  const workloads = pick(WORKLOADS, values.workload, "workload");
  const peers = pick(values.peer === undefined ? PEERS.filter((p) => !p.optional) : PEERS, values.peer, "peer");
  const m = machine();
  const dir = mkdtempSync(join(tmpdir(), "nnc-bench-"));
  const resultsDir = join(root, "bench", "results");
  let failures = 0;
  try {
    process.stderr.write(`loading MNIST; ${m.cores} cores (${m.cpu}), Node ${m.node}\n`);
    const busy = await busyCores();
    if (busy !== undefined && busy > 0.25) {
      console.log(`note: other work keeps ${busy.toFixed(1)} of ${m.cores} cores busy: the times are noisy, numpy's two threads most of all\n`);
    }
    const mnist = loadMnist();
    const train = mnist.train;
    const date = new Date().toISOString().slice(0, 10);
    for (const w of workloads) {
      const files = writeData(dir, w, train, BATCHES, modelGraph(w, root));
      const flops = stepFlops(w);
      const results = await benchWorkload(w, peers, files, plan, rounds, dir, root);
      const rows = summarize(w, flops, m, results, { init: readF64(files.init), params: files.params });
      failures += rows.filter((r) => r.status === "wrong" || r.status === "failed").length;
      const ref = rows.find((r) => r.check)?.check?.reference;
      console.log(`\n${table(w, flops, rows)}\n`);
      console.log(
        `check: ${plan.checkSteps} steps from the same init on the same batches, against ${ref ?? "(no peer ran)"}; ` +
          `tolerance f64: loss ${TOLERANCE.f64.loss} (relative), params ${TOLERANCE.f64.params} (of the param's movement); ` +
          `f32: loss ${TOLERANCE.f32.loss}, params ${TOLERANCE.f32.params}`,
      );
      // predict's latency: on full runs, and with --predict.
      const predict = values.peer === undefined || values.predict ? predictPhase(w, files, fullPlan, dir, root, fileURLToPath(new URL("./predict.js", import.meta.url))) : undefined;
      if (predict) console.log(`\n${predictTables(w, predict)}\n`);
      failures += predict?.runs.filter((r) => r.wrong !== undefined || r.error !== undefined).length ?? 0;
      if (values["no-save"] || values.quick) continue;
      mkdirSync(resultsDir, { recursive: true });
      const base = join(resultsDir, `${date}-${w.id}`);
      writeFileSync(`${base}.json`, JSON.stringify(record(w, flops, m, plan, BATCHES, rows, { rounds, commit: commitOf(root), busyCoresAtStart: busy, predictLatency: predict?.runs ?? [], downloads: predict?.downloads ?? [] }), null, 2) + "\n");
      writeFileSync(`${base}.svg`, await chart(w, rows));
      console.log(`wrote ${base}.json and .svg`);
    }
    // End to end: by default on a full run of everything, or when asked for.
    if (values["end-to-end"] ?? (!values.quick && values.workload === undefined && values.peer === undefined)) {
      writeMnist(dir, mnist.train, mnist.test);
      const runs = endToEnd(root, dir, rounds);
      failures += runs.filter((r) => r.error !== undefined && !r.error.includes("not installed")).length;
      console.log(`\n${endToEndTable(runs)}\n`);
      if (!values["no-save"]) {
        mkdirSync(resultsDir, { recursive: true });
        const path = join(resultsDir, `${date}-end-to-end.json`);
        writeFileSync(path, JSON.stringify({ date: new Date().toISOString(), machine: m, commit: commitOf(root), runs }, null, 2) + "\n");
        console.log(`wrote ${path}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failures > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  // Bad flags or ids, no MNIST: a message, not a stack.
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
