// Threads for the wasm backend: large matmuls split their rows between the calling thread and
// worker threads that share the arena (a shared WebAssembly memory) and the compiled module.
// Node only (worker_threads, reached through process.getBuiltinModule so that bundlers and
// browsers see no import); elsewhere, and where the memory is not shared, every matmul runs on
// the calling thread. Workers start on the first matmul large enough to pay for them, are
// unref'd (they never keep a process alive), and wait on a control block of Int32s: they spin
// for 50,000 polls (some tens of µs) after each job, because the next matmul of a training step
// usually follows sooner than a sleeping thread wakes, then sleep in Atomics.wait. (TwoLayerNet
// step on 2 cores: 2,000 polls 0.49 ms, 20,000 0.44, 50,000 0.42.) `NNC_THREADS` sets the number of threads (1: no workers); the default
// is the machine's available parallelism, at most 4.
//
// Splitting rows gives every thread whole rows of C, computed exactly as on one thread: the
// results are the same bit for bit, whatever the number of threads.
import { join, js, Name, type Code } from "../code.js";

/** Module-level names the threads' text uses. */
export const THREAD_HELPERS = ["KERNELS", "WORKER_SOURCE", "threadPool", "startThreads", "matmulRows", "MIN_SPLIT"];

/** The `threads` export of a module without WebAssembly. */
export const ONE_THREAD = js`/** The threads its matmuls run on: this module's kernels are plain JavaScript, on the calling thread. */
export function threads() {
  return 1;
}`;

/**
 * Multiply-adds below which a matmul stays on one thread. Measured on 2 cores with the 100-unit
 * 5-layer net: splitting its [128 × 100]·[100 × 100] matmuls (1.3M MACs) takes a step from 2.05 to
 * 1.77 ms; splitting them at batch 32 (0.3M MACs) gains nothing (0.72 vs 0.70 ms): the hand-off
 * (a store, a notify, the worker's reply) costs about what half of such a matmul saves.
 */
const MIN_SPLIT = 1 << 19;

/** Slots of a thread's control block: a job (kernel, its six arguments), its number, and done. */
const SEQ = 0;
const DONE = 1;
const FN = 2;
const ARGS = 3;
const SLOTS = 16;

export function threadsPrelude(kernels: number): Code {
  const names = Array.from({ length: kernels }, (_, i) => `matmul${i}`);
  return js`
// ---- Threads: large matmuls split their rows with workers that share the arena (Node only) ----

const KERNELS = [${join(names.map((n) => js`WASM.${Name.of(n)}`))}];
const MIN_SPLIT = ${MIN_SPLIT}; // multiply-adds below which a matmul stays on one thread

/** What each worker runs: the same module on the same memory, jobs taken from its control block. */
const WORKER_SOURCE = \`
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = Array.from({ length: ${kernels} }, (_, i) => exports["matmul" + i]);
const ctl = new Int32Array(control);
let seen = 0;
for (;;) {
  for (let spin = 0; spin < 50000 && Atomics.load(ctl, ${SEQ}) === seen; spin++);
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  kernels[ctl[${FN}]](ctl[${ARGS}], ctl[${ARGS + 1}], ctl[${ARGS + 2}], ctl[${ARGS + 3}], ctl[${ARGS + 4}], ctl[${ARGS + 5}]);
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
\`;

/** The workers' control blocks, once started; [] when matmuls run on this thread only. */
let threadPool;

function startThreads() {
  threadPool = [];
  const node = typeof process === "object" && typeof process.getBuiltinModule === "function";
  if (!SHARED || !node) return;
  const asked = Number(process.env.NNC_THREADS);
  const threads = Number.isInteger(asked) && asked >= 1 ? asked : Math.min(4, process.getBuiltinModule("node:os").availableParallelism());
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const module = new WebAssembly.Module(WASM_BYTES);
  for (let t = 1; t < threads; t++) {
    const control = new SharedArrayBuffer(${SLOTS * 4});
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory: MEMORY, control } });
    worker.unref();
    threadPool.push(new Int32Array(control));
  }
}

/** The threads large matmuls run on (starting the workers): 1 where there are no workers. */
export function threads() {
  if (threadPool === undefined) startThreads();
  return threadPool.length + 1;
}

/** Kernel \`fn\` over C's m rows, split between this thread and the workers when it is large enough (\`work\`: multiply-adds per row). */
function matmulRows(fn, a, b, c, batch, m, work) {
  if (threadPool === undefined && m * work >= MIN_SPLIT) startThreads();
  const parts = threadPool === undefined || m * work < MIN_SPLIT ? 1 : Math.min(threadPool.length + 1, m >> 2);
  if (parts <= 1) return KERNELS[fn](a, b, c, batch, 0, m);
  // Whole blocks of 4 rows per thread (the register tiles), this thread taking the first share.
  const share = Math.ceil(m / parts / 4) * 4;
  let used = 0;
  for (let t = 1; t < parts; t++) {
    const ctl = threadPool[t - 1];
    const row0 = Math.min(m, t * share);
    const row1 = Math.min(m, row0 + share);
    ctl[${FN}] = fn;
    ctl[${ARGS}] = a;
    ctl[${ARGS + 1}] = b;
    ctl[${ARGS + 2}] = c;
    ctl[${ARGS + 3}] = batch;
    ctl[${ARGS + 4}] = row0;
    ctl[${ARGS + 5}] = row1;
    Atomics.add(ctl, ${SEQ}, 1);
    Atomics.notify(ctl, ${SEQ});
    used = t;
  }
  KERNELS[fn](a, b, c, batch, 0, Math.min(m, share));
  for (let t = 1; t <= used; t++) {
    const ctl = threadPool[t - 1];
    const seq = Atomics.load(ctl, ${SEQ});
    for (let spin = 0; spin < 100000 && Atomics.load(ctl, ${DONE}) !== seq; spin++);
    const since = Date.now();
    while (Atomics.load(ctl, ${DONE}) !== seq) {
      Atomics.wait(ctl, ${DONE}, Atomics.load(ctl, ${DONE}), 1000);
      if (Date.now() - since > 60000) throw new Error("internal: a matmul worker thread stopped answering; set NNC_THREADS=1 to run on one thread");
    }
  }
}
`;
}
