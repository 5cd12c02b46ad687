// Threads for a module with WebAssembly: large row jobs (a row kernel over many rows) and large
// optimizer updates (by elements) are shared between the calling thread and worker threads that
// share the arena (a shared WebAssembly memory) and the wasm module, by the job protocol of
// threads.ts: in Node, worker_threads (reached through process.getBuiltinModule so that bundlers
// and browsers see no import); in a browser, Web Workers started from a Blob, when the module
// itself runs in a worker of a cross-origin isolated page (the page's own thread may not wait on
// a job). Elsewhere, and where the memory is not shared, everything runs on the calling thread.
// Workers start on the first job large enough to pay for them; Node's are unref'd (they never
// keep a process alive).
//
// Against a fixed half for each of 2 threads (measured, medians of several runs): TwoLayerNet
// 0.37-0.38 ms per step either way, the 5-layer net 1.61-1.64 ms against 1.67-1.72, the
// 784-300-100-10 Adam net 2.57 against 2.77 (its Adam update shared too).
import { MEMORY, SHARED, WASM, WASM_BYTES } from "./arena.js";
import { awaitJob, CONTROL_BYTES, JOB, jobFunctions, MAX_WORKERS, NUMBERS_AT, openJob, sharingPaid, takeParts } from "./threads.js";

/**
 * Multiply-adds below which a row job stays on one thread. Measured on 2 cores with the 100-unit
 * 5-layer net: splitting its [128 × 100]·[100 × 100] matmuls (1.3M MACs) takes a step from 2.05 to
 * 1.77 ms; splitting them at batch 32 (0.3M MACs) gains nothing (0.72 vs 0.70 ms): the hand-off
 * (stores, a notify, the worker's claims) costs about what half of such a job saves.
 */
export const MIN_SPLIT = 1 << 19;
/** Elements below which a fused loop (elementwise work, a softmax's row sums) stays on one thread: about 1 ns each, against a hand-off of some µs. */
export const MIN_SPLIT_LOOP = 1 << 16;
/** Elements below which Adam's update stays on one thread (~2 ns per element); SGD's (a quarter of the work) needs four times as many. */
export const MIN_SPLIT_UPDATE = 1 << 15;

/** This thread's functions: the module's own wasm exports. */
export const JOBS = jobFunctions(WASM, KERNEL_COUNT, EPILOGUE_COUNT);
export const CONTROL = new Int32Array(
  typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(CONTROL_BYTES) : new ArrayBuffer(CONTROL_BYTES),
);
export const NUMBERS = new Float64Array(CONTROL.buffer, NUMBERS_AT, 5);

/** The workers, once started; [] when everything runs on this thread. */
export let threadPool: object[] | undefined;

export function startThreads(): void {
  const pool: { unref?(): void }[] = [];
  threadPool = pool;
  if (!SHARED) return;
  const node = typeof process === "object" && typeof process.getBuiltinModule === "function";
  const web = webWorkers();
  if (!node && !web) return;
  const asked = node ? Number(process.env.NNC_THREADS) : NaN;
  const cores = node ? process.getBuiltinModule("node:os").availableParallelism() : web!.cores;
  adaptive = !(Number.isInteger(asked) && asked >= 1);
  const threads = Math.min(MAX_WORKERS + 1, adaptive ? cores : asked);
  const module = new WebAssembly.Module(WASM_BYTES);
  for (let t = 1; t < threads; t++) {
    const data = { module, memory: MEMORY, control: CONTROL.buffer, index: t - 1, kernels: KERNEL_COUNT, epilogues: EPILOGUE_COUNT };
    if (node) {
      const { Worker } = process.getBuiltinModule("node:worker_threads");
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
      worker.unref();
      pool.push(worker);
    } else pool.push(web!.start(data));
  }
}

/** What a browser offers for threads, or undefined: they need a worker as the caller (the page's own thread may not Atomics.wait) and a shared memory. */
function webWorkers(): { cores: number; start(data: unknown): object } | undefined {
  const g = globalThis as {
    WorkerGlobalScope?: unknown;
    Worker?: new (url: string) => { postMessage(data: unknown): void };
    Blob?: new (parts: string[], options: { type: string }) => object;
    URL?: { createObjectURL(blob: object): string };
    navigator?: { hardwareConcurrency?: number };
  };
  if (g.WorkerGlobalScope === undefined || !g.Worker || !g.Blob || !g.URL) return undefined;
  const { Worker, Blob, URL } = g;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  return {
    cores: g.navigator?.hardwareConcurrency ?? 1,
    start(data) {
      const worker = new Worker(url);
      worker.postMessage(data); // the wasm module and the shared memory and control block: cloned, not copied
      return worker;
    },
  };
}

/**
 * The threads large row jobs run on (starting the workers): 1 where there are no workers.
 * @moduleExport
 */
export function threads(): number {
  if (threadPool === undefined) startThreads();
  return threadPool!.length + 1;
}

/**
 * Shared jobs in a row that cost more time than this thread alone would have taken, and how many
 * jobs are left to run alone. Where other work keeps the cores busy, waking a worker can hand it
 * the caller's core (the caller then waits to run again: 200-400 µs a TwoLayerNet step on this
 * 2-core machine under load, a step twice as slow as on one thread). So after LOSSES_TO_SOLO such
 * jobs the next SOLO_JOBS run on this thread, then sharing is tried again; unless NNC_THREADS asked
 * for the threads. The bits are the same either way.
 */
let adaptive = true;
let losses = 0;
let soloLeft = 0;
const LOSSES_TO_SOLO = 8;
const SOLO_JOBS = 1000;

/** Whether a large job is shared now (a job run alone counts down the jobs left to run alone). */
export function sharing(): boolean {
  if (threadPool!.length === 0) return false;
  if (!adaptive || soloLeft === 0) return true;
  soloLeft--;
  return false;
}

/** Runs a job of `total` rows or elements in chunks, on this thread and the workers; returns when all are done. */
export function shareJob(kind: number, total: number, chunk: number, fields: readonly number[], numbers: readonly number[]): void {
  const t0 = performance.now();
  openJob(CONTROL, NUMBERS, threadPool!.length, kind, total, chunk, fields, numbers);
  const t1 = performance.now();
  const mine = takeParts(JOBS, CONTROL, NUMBERS);
  const t2 = performance.now();
  awaitJob(CONTROL, total);
  losses = sharingPaid(performance.now() - t0, t2 - t1, mine, total) ? 0 : losses + 1;
  if (losses >= LOSSES_TO_SOLO) {
    losses = 0;
    soloLeft = SOLO_JOBS;
  }
}

/**
 * Row kernel `fn` over m rows, then epilogue `epi` (-1: none) over the same rows with its arrays at
 * q0 … q5; shared with the workers when it is large enough (`work`: multiply-adds per row). The
 * kernel gets `scratch` and its thread's number after its six arguments (the sparse matmul's slots).
 */
export function runRows(
  fn: number,
  a: number,
  b: number,
  c: number,
  batch: number,
  m: number,
  work: number,
  epi: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  q5: number,
  scratch = 0,
): void {
  const large = m * work >= MIN_SPLIT && m >= 8;
  if (large && threadPool === undefined) startThreads();
  if (!large || !sharing()) {
    JOBS.kernels[fn]!(a, b, c, batch, 0, m, scratch, 0);
    if (epi >= 0) JOBS.epilogues[epi]!(0, m, batch, q0, q1, q2, q3, q4, q5);
    return;
  }
  // Small chunks, so that the threads finish together (the last chunk is all one waits for): at least
  // 2^16 multiply-adds each (some µs, against a claim's tenth of one) and at most 16 per thread, in
  // whole blocks of 4 rows (the register tiles), or of 16 when the rows are many (the zero-skipping
  // Aᵀ kernel's blocks, which a chunk's edge would cut: xᵀ·dY's 784 rows).
  const unit = m >= 256 ? 16 : 4;
  const up = (x: number) => Math.ceil(x / unit) * unit;
  const chunk = Math.max(unit, up(65536 / work), up(m / (16 * (threadPool!.length + 1))));
  shareJob(JOB.ROWS, m, chunk, [fn, a, b, c, scratch, batch, epi, q0, q1, q2, q3, q4, q5], []);
}

/**
 * Fused loop `fn` (an epilogue function) over `rows` rows with its arrays at q0 … q5; shared with
 * the workers when its `elements` are many (0: its reductions run across rows, so it may not be split).
 */
export function runLoop(
  fn: number,
  rows: number,
  batch: number,
  elements: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  q5: number,
): void {
  const large = elements >= MIN_SPLIT_LOOP && rows >= 8;
  if (large && threadPool === undefined) startThreads();
  if (!large || !sharing()) {
    JOBS.epilogues[fn]!(0, rows, batch, q0, q1, q2, q3, q4, q5);
    return;
  }
  const chunk = Math.max(1, Math.ceil(rows / (4 * (threadPool!.length + 1))));
  shareJob(JOB.ROWS, rows, chunk, [-1, 0, 0, 0, 0, batch, fn, q0, q1, q2, q3, q4, q5], []);
}
