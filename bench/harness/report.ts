// From the runners' results to what a person reads: the correctness check across peers, the
// table (markdown, so it pastes into the README), the JSON record and the vega-lite bar chart.
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "../../src/runtime/plots.js";
import type { FlopCount } from "./flops.js";
import type { RunnerResult } from "./job.js";
import type { Dtype, PeerEntry } from "./peers.js";
import { median, quantile, type Plan } from "./protocol.js";
import type { Workload } from "./workloads.js";

/**
 * How far a peer's check may be from the reference's. `loss`: relative, at every step. `params`:
 * per param, ‖p − p_ref‖₂ / ‖p_ref − p0‖₂ after the check, the distance from the reference's
 * params relative to how far the reference's steps moved them (a param left unchanged shows as
 * 1, a garbled row or column of a weight as a large fraction). Not elementwise: Adam turns the
 * float32 rounding of a gradient that is nearly 0 into a full step of either sign. float64
 * peers differ from the reference by summation order and by the book's `+ 1e-7` inside the log,
 * which nnc's fused softmax-cross-entropy leaves out (that moves the loss, about 1e-7 / y, not
 * the gradients); float32 peers also by float32 rounding, compounded over the check's steps.
 */
export const TOLERANCE: Readonly<Record<Dtype, { readonly loss: number; readonly params: number }>> = {
  f64: { loss: 1e-4, params: 1e-8 },
  f32: { loss: 1e-4, params: 1e-3 },
};

/** The reference of the check: the plainest code, in float64, when it ran. */
const REFERENCE_ORDER = ["typed-array", "numpy-f64", "nnc-f64"];

export interface CheckRow {
  readonly reference: string;
  readonly lossAfter: number;
  readonly maxRelLoss: number;
  readonly paramError: number;
  readonly worstParam: string;
  readonly ok: boolean;
}

/** What a runner gave back: its result and, when it ran, its params after the check. */
export interface PeerRun {
  readonly result: RunnerResult;
  readonly params?: Float64Array;
}

/** The initial params, flat, and where each param is in them (DataFiles.params). */
export interface ParamLayout {
  readonly init: Float64Array;
  readonly params: Readonly<Record<string, readonly [number, number]>>;
}

export interface Row {
  readonly peer: PeerEntry;
  readonly status: "ok" | "wrong" | "unavailable" | "failed";
  readonly reason?: string;
  readonly msPerStep?: number;
  readonly p10?: number;
  readonly p90?: number;
  readonly steps?: number;
  /** ms per step of every timed chunk, in order. */
  readonly chunks?: readonly number[];
  readonly gflops?: number;
  /** Fraction of the machine's estimated peak for the peer's dtype. */
  readonly peakFraction?: number;
  /** The peer's ms per step / nnc's (wasm, its default; else f32 js): above 1, nnc is faster. */
  readonly vsNnc?: number;
  readonly setupMs?: number;
  readonly check?: CheckRow;
  readonly info?: Readonly<Record<string, string>>;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly mhz: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly v8: string;
  /** The 1-minute load average when the bench started: other work on the machine makes the numbers noisy. */
  readonly load: number;
  /** Estimated peak GFLOP/s of all cores (see `peakBasis`). */
  readonly peakGflops: Readonly<Record<Dtype, number>>;
  readonly peakBasis: string;
  /** The SIMD extensions the CPU reports that matter for these kernels. */
  readonly simd: readonly string[];
}

/** The CPU's clock in MHz: os.cpus() reports 0 in some VMs, /proc/cpuinfo then still knows. */
function clockMhz(): number {
  const speed = cpus()[0]?.speed ?? 0;
  if (speed > 0) return speed;
  try {
    const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return m ? Math.round(Number(m[1])) : 0;
  } catch {
    return 0;
  }
}

function simdFlags(): string[] {
  try {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim().split(/\s+/) ?? [];
    return ["sse4_2", "avx2", "fma", "avx512f", "amx_tile"].filter((f) => flags.includes(f));
  } catch {
    return [];
  }
}

/** How many cores other processes keep busy, sampled from /proc/stat over `ms` (Linux only). */
export async function busyCores(ms = 500): Promise<number | undefined> {
  const sample = (): number[] | undefined => {
    try {
      const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
      return line.trim().split(/\s+/).slice(1).map(Number);
    } catch {
      return undefined;
    }
  };
  const a = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = sample();
  if (!a || !b) return undefined;
  const d = b.map((v, i) => v - a[i]!);
  const total = d.reduce((x, y) => x + y, 0);
  const idle = d[3]! + (d[4] ?? 0); // idle + iowait
  return total > 0 ? ((total - idle) / total) * cpus().length : undefined;
}

export function machine(): Machine {
  const list = cpus();
  const mhz = clockMhz();
  const ghz = mhz / 1000;
  return {
    cpu: list[0]?.model ?? "unknown",
    cores: list.length,
    mhz,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    v8: process.versions.v8,
    load: loadavg()[0] ?? 0,
    peakGflops: { f32: list.length * 32 * ghz, f64: list.length * 16 * ghz },
    peakBasis: "cores x clock x two 256-bit FMA per cycle (32 f32 / 16 f64 FLOP per cycle per core, AVX2); AVX-512 would double it, 128-bit WebAssembly SIMD without FMA reaches a quarter of it",
    simd: simdFlags(),
  };
}

function relDiff(a: number, b: number): number {
  if (a === b) return 0;
  const d = Math.abs(a - b) / Math.abs(b);
  return Number.isNaN(d) ? Infinity : d;
}

type Ran = { readonly result: RunnerResult & { status: "ok" }; readonly params: Float64Array };

function checkAgainst(peer: PeerEntry, mine: Ran, refId: string, ref: Ran, layout: ParamLayout): CheckRow {
  const losses = mine.result.check.losses;
  const refLosses = ref.result.check.losses;
  let maxRelLoss = losses.length === refLosses.length ? 0 : Infinity;
  losses.forEach((l, i) => (maxRelLoss = Math.max(maxRelLoss, relDiff(l, refLosses[i]!))));
  let paramError = 0;
  let worstParam = "";
  for (const [name, [offset, length]] of Object.entries(layout.params)) {
    let movement = 0;
    let err = 0;
    for (let i = offset; i < offset + length; i++) {
      movement += (ref.params[i]! - layout.init[i]!) ** 2;
      err += (mine.params[i]! - ref.params[i]!) ** 2;
    }
    const rel = err === 0 ? 0 : Number.isNaN(err) ? Infinity : Math.sqrt(err / movement);
    if (rel > paramError || worstParam === "") {
      paramError = rel;
      worstParam = name;
    }
  }
  const tol = TOLERANCE[peer.dtype];
  return { reference: refId, lossAfter: losses[losses.length - 1] ?? Number.NaN, maxRelLoss, paramError, worstParam, ok: maxRelLoss <= tol.loss && paramError <= tol.params };
}

export function summarize(w: Workload, flops: FlopCount, m: Machine, runs: ReadonlyMap<PeerEntry, PeerRun>, layout: ParamLayout): Row[] {
  const ok = [...runs].filter((e): e is [PeerEntry, Ran] => e[1].result.status === "ok" && e[1].params !== undefined);
  const ref = REFERENCE_ORDER.map((id) => ok.find(([p]) => p.id === id)).find((e) => e !== undefined) ?? ok[0];
  // Ratios are to nnc's default backend (wasm), or to its JS kernels when wasm did not run.
  const nnc = ok.find(([p]) => p.id === "nnc-wasm-f32") ?? ok.find(([p]) => p.id === "nnc-f32");
  const nncMs = nnc ? median(nnc[1].result.timing.chunks) : undefined;
  return [...runs].map(([peer, { result: r, params }]): Row => {
    if (r.status === "unavailable") return { peer, status: "unavailable", reason: r.reason };
    if (r.status === "failed") return { peer, status: "failed", reason: r.error };
    const ms = median(r.timing.chunks);
    const check = checkAgainst(peer, { result: r, params: params! }, ref![0].id, ref![1], layout);
    const gflops = flops.total / (ms * 1e6);
    return {
      peer,
      status: check.ok ? "ok" : "wrong",
      msPerStep: ms,
      p10: quantile(r.timing.chunks, 0.1),
      p90: quantile(r.timing.chunks, 0.9),
      steps: r.timing.steps,
      chunks: r.timing.chunks.map((c) => Number(c.toPrecision(4))),
      gflops,
      peakFraction: m.peakGflops[peer.dtype] > 0 ? gflops / m.peakGflops[peer.dtype] : undefined,
      vsNnc: nncMs !== undefined ? ms / nncMs : undefined,
      setupMs: r.setupMs,
      check,
      info: r.info,
    };
  });
}

// ---- the table ---------------------------------------------------------------------------------------

const fixed = (v: number | undefined, digits: number): string => (v === undefined ? "" : v.toFixed(digits));
const sci = (v: number): string => (v === 0 ? "0" : v.toExponential(0));

export function table(w: Workload, flops: FlopCount, rows: readonly Row[]): string {
  const ratio = rows.some((r) => r.peer.id === "nnc-wasm-f32" && r.status === "ok") ? "÷ nnc wasm" : "÷ nnc f32";
  const head = ["peer", "ms/step", "p10–p90", "GFLOP/s", "% of peak", ratio, `loss after check`, "check"];
  const body = rows.map((r) => {
    if (r.status === "unavailable" || r.status === "failed") {
      const why = r.status === "failed" ? `failed: ${r.reason!.split("\n")[0]}` : r.reason!;
      return [r.peer.label, "—", "", "", "", "", "", why];
    }
    const c = r.check!;
    const verdict = r.peer.id === c.reference ? "reference" : `${c.ok ? "ok" : "WRONG"}: loss ${sci(c.maxRelLoss)}, params ${sci(c.paramError)}${c.ok ? "" : ` (${c.worstParam})`}`;
    return [
      r.peer.label,
      fixed(r.msPerStep, 2),
      `${fixed(r.p10, 2)}–${fixed(r.p90, 2)}`,
      fixed(r.gflops, 2),
      r.peakFraction === undefined ? "" : (100 * r.peakFraction).toFixed(1),
      r.vsNnc === undefined ? "n/a" : fixed(r.vsNnc, 2),
      fixed(c.lossAfter, 6),
      verdict,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((n, i) => (i === 0 || i === widths.length - 1 ? "-".repeat(n + 2) : `${"-".repeat(n + 1)}:`)).join("|")}|`;
  const mflop = (v: number) => (v / 1e6).toFixed(2);
  const facts = rows.filter((r) => r.info && Object.keys(r.info).length > 0).map((r) => `- ${r.peer.label}: ${Object.entries(r.info!).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  return [
    `${w.title}: ${mflop(flops.total)} MFLOP per step (${mflop(flops.matmul)} in matrix products)`,
    "",
    line(head),
    rule,
    ...body.map(line),
    "",
    ...facts,
  ].join("\n");
}

// ---- JSON and SVG --------------------------------------------------------------------------------------

export function record(w: Workload, flops: FlopCount, m: Machine, plan: Plan, batches: number, rows: readonly Row[], extra: Record<string, unknown>): unknown {
  return {
    date: new Date().toISOString(),
    workload: w,
    flopsPerStep: flops,
    machine: m,
    plan,
    batches,
    tolerance: TOLERANCE,
    ...extra,
    peers: rows.map(({ peer, ...rest }) => ({ id: peer.id, label: peer.label, family: peer.family, dtype: peer.dtype, setup: peer.setup, ...rest })),
  };
}

export function chart(w: Workload, rows: readonly Row[]): Promise<string> {
  const timed = rows.filter((r) => r.msPerStep !== undefined).sort((a, b) => a.msPerStep! - b.msPerStep!);
  if (timed.length === 0) return renderSvg({ title: `${w.title}: no peer ran`, data: { values: [] }, mark: "point" } as TopLevelSpec);
  // A log scale has no 0: the bars start at the power of 10 below the fastest peer.
  const low = 10 ** Math.floor(Math.log10(timed[0]!.msPerStep!));
  const high = 10 ** Math.ceil(Math.log10(timed[timed.length - 1]!.msPerStep! * 3));
  const values = timed.map((r) => ({
    peer: r.peer.label,
    family: r.peer.family,
    ms: r.msPerStep!,
    low,
    label: `${r.msPerStep!.toPrecision(3)} ms${r.status === "wrong" ? " (WRONG)" : ""}`,
  }));
  const x = { field: "ms", type: "quantitative", scale: { type: "log", domain: [low, high] }, title: "ms per step (median), log scale" };
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: w.title, subtitle: "one training step on MNIST: shorter is faster", fontSize: 13 },
    width: 520,
    height: { step: 26 },
    data: { values },
    encoding: { y: { field: "peer", type: "nominal", sort: values.map((v) => v.peer), title: null } },
    layer: [
      { mark: { type: "bar" }, encoding: { x, x2: { field: "low" }, color: { field: "family", type: "nominal", title: null, legend: { orient: "bottom" } } } },
      { mark: { type: "text", align: "left", dx: 4, fontSize: 11 }, encoding: { x, text: { field: "label" } } },
    ],
  } as TopLevelSpec;
  return renderSvg(spec);
}
