// Threads for the wasm backend: large matmuls (by rows of C) and large optimizer updates (by
// elements) are shared between the calling thread and worker threads that share the arena (a
// shared WebAssembly memory) and the compiled module. Node only (worker_threads, reached through
// process.getBuiltinModule so that bundlers and browsers see no import); elsewhere, and where the
// memory is not shared, everything runs on the calling thread. Workers start on the first job
// large enough to pay for them and are unref'd (they never keep a process alive).
//
// One job at a time, in a control block of Int32s (and Float64s for an update's numbers). The
// caller closes claiming (NEXT = CLOSED), waits until no worker is between a claim and its check
// of it (BUSY), writes the job, opens it (NEXT = 0) and bumps SEQ; then every thread, the caller
// too, claims chunks with an atomic add on NEXT until none is left, and adds the rows it finished
// to FINISHED; the caller returns when FINISHED reaches the total. So a worker that wakes late only
// takes what is left (no thread waits on a sleeping one), and a claim is always checked against
// the job it was made in: a worker that claims past the end of one job cannot read the total of
// the next (which once let a late claim look valid, run twice and stall the caller). A worker
// that throws stores ERROR and its message, and the caller throws it. Workers poll SEQ for
// 50,000 reads (some tens of µs) after a job, because the next one of a training step usually
// comes sooner than a sleeping thread wakes, then sleep in Atomics.wait.
//
// Against a fixed half for each of 2 threads (measured, medians of several runs): TwoLayerNet
// 0.37-0.38 ms per step either way, the 5-layer net 1.61-1.64 ms against 1.67-1.72, the
// 784-300-100-10 Adam net 2.57 against 2.77 (its Adam update shared too).
//
// Every chunk is computed exactly as on one thread (whole rows of C; elements of an update), so the
// results are the same bit for bit whatever the number of threads.
//
// Here too: the optimizers' exports (zeros, updateSgd, updateAdam) of a module with an arena, whose
// large updates go through the same jobs, and their plain counterparts in a module without one.
import { js, literal, Name, join, type Code } from "../code.js";

/** Module-level names the threads' text uses. */
export const THREAD_HELPERS = [
  ...["SEQ", "NEXT", "FINISHED", "KIND", "FN", "TOTAL", "CHUNK", "A", "B", "C", "D", "BATCH", "EFN", "E0", "ERROR", "BUSY"].map(
    (n) => `C_${n}`,
  ),
  "KERNELS",
  "EPILOGUES",
  "WORKER_SOURCE",
  "CONTROL",
  "NUMBERS",
  "threadPool",
  "startThreads",
  "shareJob",
  "takeParts",
  "runPart",
  "matmulRows",
  "shareUpdate",
  "MIN_SPLIT",
  "MIN_SPLIT_UPDATE",
];

/** The `threads` export of a module without WebAssembly. */
export const ONE_THREAD = js`/** The threads its matmuls run on: this module's kernels are plain JavaScript, on the calling thread. */
export function threads() {
  return 1;
}`;

/**
 * Multiply-adds below which a matmul stays on one thread. Measured on 2 cores with the 100-unit
 * 5-layer net: splitting its [128 × 100]·[100 × 100] matmuls (1.3M MACs) takes a step from 2.05 to
 * 1.77 ms; splitting them at batch 32 (0.3M MACs) gains nothing (0.72 vs 0.70 ms): the hand-off
 * (stores, a notify, the worker's claims) costs about what half of such a matmul saves.
 */
const MIN_SPLIT = 1 << 19;
/** Elements below which Adam's update stays on one thread (~2 ns per element); SGD's (a quarter of the work) needs four times as many. */
const MIN_SPLIT_UPDATE = 1 << 15;

/** Int32 slots of the control block; the Float64 numbers of an update start at byte NUMBERS_AT. */
const [SEQ, NEXT, FINISHED, KIND, FN, TOTAL, CHUNK, A, B, C, D, BATCH, EFN, E0, ERROR, BUSY] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 19, 20,
];
/** E0 … E0 + 5: the byte offsets of a matmul epilogue's arrays (wasm/epilogue.ts); BUSY + w: worker w is inside takeParts. */
const MAX_WORKERS = 3;
const NUMBERS_AT = 96;
/** Where a failed worker writes its message (UTF-8, at most MESSAGE_BYTES). */
const MESSAGE_AT = NUMBERS_AT + 5 * 8;
const MESSAGE_BYTES = 512;
/** The slots' names as the generated code declares them (the module and the workers alike). */
const SLOTS: Code = js`const [C_SEQ, C_NEXT, C_FINISHED, C_KIND, C_FN, C_TOTAL, C_CHUNK, C_A, C_B, C_C, C_D, C_BATCH, C_EFN, C_E0, C_ERROR, C_BUSY] = [${SEQ}, ${NEXT}, ${FINISHED}, ${KIND}, ${FN}, ${TOTAL}, ${CHUNK}, ${A}, ${B}, ${C}, ${D}, ${BATCH}, ${EFN}, ${E0}, ${ERROR}, ${BUSY}]; // the control block's slots`;
const CONTROL_BYTES = MESSAGE_AT + MESSAGE_BYTES;
/** NEXT while a job is being written: above any total, so a claim then gets nothing. */
const CLOSED = 1 << 30;
/** Job kinds. */
const MATMUL = 0;
const SGD = 1;
const ADAM = 2;

/**
 * The part of a job every thread runs, the same text in the module and in the worker: rows lo..hi
 * of a matmul, or elements lo..hi of an update, and the loop that claims them.
 */
const PARTS: Code = js`
function runPart(kernels, epilogues, exports, ctl, num, lo, hi) {
  const kind = ctl[C_KIND];
  if (kind === ${MATMUL}) {
    kernels[ctl[C_FN]](ctl[C_A], ctl[C_B], ctl[C_C], ctl[C_BATCH], lo, hi);
    const e = ctl[C_EFN];
    if (e >= 0) epilogues[e](lo, hi, ctl[C_BATCH], ctl[C_E0], ctl[C_E0 + 1], ctl[C_E0 + 2], ctl[C_E0 + 3], ctl[C_E0 + 4], ctl[C_E0 + 5]);
  }
  else if (kind === ${SGD}) exports.sgd(ctl[C_A] + 4 * lo, ctl[C_B] + 4 * lo, hi - lo, num[0]);
  else exports.adam(ctl[C_A] + 4 * lo, ctl[C_B] + 4 * lo, ctl[C_C] + 4 * lo, ctl[C_D] + 4 * lo, hi - lo, num[0], num[1], num[2], num[3], num[4]);
}

function takeParts(kernels, epilogues, exports, ctl, num) {
  for (;;) {
    const chunk = Atomics.load(ctl, C_CHUNK);
    const lo = Atomics.add(ctl, C_NEXT, chunk);
    const total = Atomics.load(ctl, C_TOTAL);
    if (lo >= total) return;
    const hi = Math.min(lo + chunk, total);
    runPart(kernels, epilogues, exports, ctl, num, lo, hi);
    // The caller waits for the total: wake it for the last part only.
    if (Atomics.add(ctl, C_FINISHED, hi - lo) + (hi - lo) === total) Atomics.notify(ctl, C_FINISHED);
  }
}
`;

/** What each worker runs: the same module on the same memory, parts of each job. */
const WORKER = (kernels: number, epilogues: number) => `
const { workerData } = require("node:worker_threads");
const { module, memory, control, index } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = Array.from({ length: ${kernels} }, (_, i) => exports["kernel" + i]);
const epilogues = Array.from({ length: ${epilogues} }, (_, i) => exports["epilogue" + i]);
const ctl = new Int32Array(control);
const num = new Float64Array(control, ${NUMBERS_AT}, 5);
${SLOTS.text}
${PARTS.text}
let seen = Atomics.load(ctl, C_SEQ);
for (;;) {
  for (let spin = 0; spin < 50000 && Atomics.load(ctl, C_SEQ) === seen; spin++);
  Atomics.wait(ctl, C_SEQ, seen);
  seen = Atomics.load(ctl, C_SEQ);
  Atomics.store(ctl, C_BUSY + index, 1);
  try {
    takeParts(kernels, epilogues, exports, ctl, num);
  } catch (e) {
    new TextEncoder().encodeInto(String((e && e.stack) || e).slice(0, ${MESSAGE_BYTES / 4}), new Uint8Array(control, ${MESSAGE_AT}, ${MESSAGE_BYTES}));
    Atomics.store(ctl, C_ERROR, 1);
    Atomics.notify(ctl, C_FINISHED);
  }
  Atomics.store(ctl, C_BUSY + index, 0);
  Atomics.notify(ctl, C_BUSY + index);
}
`;

export function threadsPrelude(kernels: number, epilogues: number): Code {
  const names = Array.from({ length: kernels }, (_, i) => `kernel${i}`);
  const epilogueNames = Array.from({ length: epilogues }, (_, i) => `epilogue${i}`);
  return js`
// ---- Threads: large matmuls and updates shared with workers on the same arena (Node only) ----

const KERNELS = [${join(names.map((n) => js`WASM.${Name.of(n)}`))}];
const EPILOGUES = [${join(epilogueNames.map((n) => js`WASM.${Name.of(n)}`))}];
const MIN_SPLIT = ${MIN_SPLIT}; // multiply-adds below which a matmul stays on one thread
const MIN_SPLIT_UPDATE = ${MIN_SPLIT_UPDATE}; // elements below which an update stays on one thread
const CONTROL = new Int32Array(typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(${CONTROL_BYTES}) : new ArrayBuffer(${CONTROL_BYTES}));
const NUMBERS = new Float64Array(CONTROL.buffer, ${NUMBERS_AT}, 5);
${SLOTS}
${PARTS}
/** What each worker runs: the same module on the same memory, parts of each job. */
const WORKER_SOURCE = ${literal(WORKER(kernels, epilogues))};

/** The workers, once started; [] when everything runs on this thread. */
let threadPool;

function startThreads() {
  threadPool = [];
  const node = typeof process === "object" && typeof process.getBuiltinModule === "function";
  if (!SHARED || !node) return;
  const asked = Number(process.env.NNC_THREADS);
  const threads = Math.min(${MAX_WORKERS + 1}, Number.isInteger(asked) && asked >= 1 ? asked : process.getBuiltinModule("node:os").availableParallelism());
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const module = new WebAssembly.Module(WASM_BYTES);
  for (let t = 1; t < threads; t++) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory: MEMORY, control: CONTROL.buffer, index: t - 1 } });
    worker.unref();
    threadPool.push(worker);
  }
}

/** The threads large matmuls run on (starting the workers): 1 where there are no workers. */
export function threads() {
  if (threadPool === undefined) startThreads();
  return threadPool.length + 1;
}

/** Runs a job of \`total\` rows or elements in chunks, on this thread and the workers; returns when all are done. */
function shareJob(kind, fn, a, b, c, d, batch, total, chunk, x0, x1, x2, x3, x4, epi = -1, q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0) {
  Atomics.store(CONTROL, C_NEXT, ${CLOSED});
  // No worker may still be checking a claim against the fields about to change.
  // (It is about to find the previous job done: a short spin, then a wait the worker ends with a notify.)
  for (let w = 0; w < threadPool.length; w++) {
    for (let spin = 0; spin < 100000 && Atomics.load(CONTROL, C_BUSY + w) !== 0; spin++);
    while (Atomics.load(CONTROL, C_BUSY + w) !== 0) Atomics.wait(CONTROL, C_BUSY + w, 1, 10);
  }
  CONTROL[C_KIND] = kind;
  CONTROL[C_FN] = fn;
  CONTROL[C_A] = a;
  CONTROL[C_B] = b;
  CONTROL[C_C] = c;
  CONTROL[C_D] = d;
  CONTROL[C_BATCH] = batch;
  CONTROL[C_TOTAL] = total;
  CONTROL[C_CHUNK] = chunk;
  CONTROL[C_EFN] = epi;
  CONTROL[C_E0] = q0;
  CONTROL[C_E0 + 1] = q1;
  CONTROL[C_E0 + 2] = q2;
  CONTROL[C_E0 + 3] = q3;
  CONTROL[C_E0 + 4] = q4;
  CONTROL[C_E0 + 5] = q5;
  NUMBERS[0] = x0;
  NUMBERS[1] = x1;
  NUMBERS[2] = x2;
  NUMBERS[3] = x3;
  NUMBERS[4] = x4;
  Atomics.store(CONTROL, C_FINISHED, 0);
  Atomics.store(CONTROL, C_NEXT, 0);
  Atomics.add(CONTROL, C_SEQ, 1);
  Atomics.notify(CONTROL, C_SEQ);
  takeParts(KERNELS, EPILOGUES, WASM, CONTROL, NUMBERS);
  for (let spin = 0; spin < 100000 && Atomics.load(CONTROL, C_FINISHED) !== total; spin++);
  const since = Date.now();
  for (let done = Atomics.load(CONTROL, C_FINISHED); done !== total; done = Atomics.load(CONTROL, C_FINISHED)) {
    if (Atomics.load(CONTROL, C_ERROR) !== 0) {
      const text = new TextDecoder().decode(new Uint8Array(CONTROL.buffer, ${MESSAGE_AT}, ${MESSAGE_BYTES})).replace(/\0+$/, "");
      throw new Error("a worker thread failed (set NNC_THREADS=1 to run on one thread): " + text);
    }
    Atomics.wait(CONTROL, C_FINISHED, done, 1000);
    if (Date.now() - since > 60000) throw new Error("internal: a worker thread stopped answering; set NNC_THREADS=1 to run on one thread");
  }
}

/**
 * Kernel \`fn\` over C's m rows, then epilogue \`epi\` (-1: none) over the same rows with its arrays
 * at q0 … q5; shared with the workers when it is large enough (\`work\`: multiply-adds per row).
 */
function matmulRows(fn, a, b, c, batch, m, work, epi, q0, q1, q2, q3, q4, q5) {
  const large = m * work >= MIN_SPLIT && m >= 8;
  if (large && threadPool === undefined) startThreads();
  if (!large || threadPool.length === 0) {
    KERNELS[fn](a, b, c, batch, 0, m);
    if (epi >= 0) EPILOGUES[epi](0, m, batch, q0, q1, q2, q3, q4, q5);
    return;
  }
  // About 4 chunks per thread (fewer claims), at least 2^17 multiply-adds each, in whole blocks of 4 rows (the register tiles).
  const chunk = Math.max(4, Math.ceil(m / (4 * (threadPool.length + 1)) / 4) * 4, Math.ceil(131072 / work / 4) * 4);
  shareJob(${MATMUL}, fn, a, b, c, 0, batch, m, chunk, 0, 0, 0, 0, 0, epi, q0, q1, q2, q3, q4, q5);
}
`;
}

/** The optimizers' exports of a module with an arena: state kept there, updates in WebAssembly, large ones shared with the workers. */
export const ARENA_UPDATES = js`/** n zeroed floats kept in the module's memory for good (an optimizer's state); a plain array where the memory cannot be shared. */
export function zeros(n) {
  if (!SHARED) return new F(n);
  const at = arenaTop;
  arenaTop += (n * 4 + 15) & ~15;
  reserve(arenaTop);
  return arenaView(at, n); // never used before: zero
}

/** True when an update of n elements is worth sharing with the workers (starting them). */
function shareUpdate(n) {
  if (n < MIN_SPLIT_UPDATE) return false;
  if (threadPool === undefined) startThreads();
  return threadPool.length > 0;
}

/** SGD's update, p -= lr g, in WebAssembly when p and g are in the module's memory (true); false when not, for the caller's own loop. */
export function updateSgd(p, g, lr) {
  if (!inArena(p, p.length) || !inArena(g, p.length)) return false;
  if (shareUpdate(p.length / 4)) shareJob(${SGD}, 0, p.byteOffset, g.byteOffset, 0, 0, 0, p.length, 4096, lr, 0, 0, 0, 0);
  else WASM.sgd(p.byteOffset, g.byteOffset, p.length, lr);
  return true;
}

/** Adam's update (nnc's runtime optimizer, to the bit) in WebAssembly when p, g, m and v are in the module's memory (true); false when not. */
export function updateAdam(p, g, m, v, lrT, beta1, beta2, eps, decay) {
  if (!inArena(p, p.length) || !inArena(g, p.length) || !inArena(m, p.length) || !inArena(v, p.length)) return false;
  if (shareUpdate(p.length)) shareJob(${ADAM}, 0, p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, 0, p.length, 4096, lrT, 1 - beta1, 1 - beta2, eps, decay);
  else WASM.adam(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, p.length, lrT, 1 - beta1, 1 - beta2, eps, decay);
  return true;
}`;

/** The same exports in a module without an arena: plain arrays, and the caller's loops. */
export const PLAIN_UPDATES = js`/** n zeroed floats (an optimizer's state). */
export function zeros(n) {
  return new F(n);
}

/** Vector updates come with --backend wasm: false here, for the caller's own loop. */
export function updateSgd() {
  return false;
}

/** Vector updates come with --backend wasm: false here, for the caller's own loop. */
export function updateAdam() {
  return false;
}`;
