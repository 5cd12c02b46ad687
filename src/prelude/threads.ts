// The job protocol threads share work by, the same code in a compiled module's thread and in its
// workers (worker.ts): a job is a range of rows (a row kernel, then optionally an epilogue, over
// rows lo..hi; or a fused loop alone) or of elements (an optimizer update), cut into chunks that
// every thread claims.
//
// One job at a time, in a control block of Int32s (and Float64s for an update's numbers). The
// caller closes claiming (NEXT = CLOSED), waits until no worker is between a claim and its check
// of it (BUSY), writes the job, opens it (NEXT = 0) and bumps SEQ; then every thread, the caller
// too, claims chunks by number with an atomic add on NEXT until none is left, and adds the rows
// it finished to FINISHED; the caller returns when FINISHED reaches the total. So a worker that wakes late only
// takes what is left (no thread waits on a sleeping one), and a claim is always checked against
// the job it was made in: a worker that claims past the end of one job cannot read the total of
// the next (which once let a late claim look valid, run twice and stall the caller). A worker
// that throws stores ERROR and its message, and the caller throws it. Workers poll SEQ for
// 50,000 reads (some tens of µs) after a job, because the next one of a training step usually
// comes sooner than a sleeping thread wakes, then sleep in Atomics.wait.
//
// Every chunk is computed exactly as on one thread (whole rows; elements of an update), so the
// results are the same bit for bit whatever the number of threads.

/** Int32 slots of the control block. E0 … E0 + 5: the byte offsets of an epilogue's arrays; BUSY + w: worker w is inside takeParts. */
export const SLOT = {
  SEQ: 0,
  NEXT: 1,
  FINISHED: 2,
  KIND: 3,
  FN: 4,
  TOTAL: 5,
  CHUNK: 6,
  A: 7,
  B: 8,
  C: 9,
  D: 10,
  BATCH: 11,
  EFN: 12,
  E0: 13,
  ERROR: 19,
  BUSY: 20,
};
/** Job kinds: rows of a row kernel; elements of SGD's, Adam's or Momentum's update. */
export const JOB = { ROWS: 0, SGD: 1, ADAM: 2, MOMENTUM: 3 };
export const MAX_WORKERS = 3;
/** The Float64 numbers of an update start at this byte. */
export const NUMBERS_AT = 96;
/** Where a failed worker writes its message (UTF-8, at most MESSAGE_BYTES). */
export const MESSAGE_AT = NUMBERS_AT + 5 * 8;
export const MESSAGE_BYTES = 512;
export const CONTROL_BYTES = MESSAGE_AT + MESSAGE_BYTES;
/** NEXT while a job is being written: a chunk number past any job's end, so a claim then gets nothing. */
export const CLOSED = 1 << 30;

/**
 * A row kernel: rows lo..hi of its output, from arrays at byte offsets a, b, c; then a ROWS job's
 * D (scratch, at byte offset d) and the thread's number (0 the caller, w + 1 worker w), which
 * kernels that keep no scratch do not declare (JavaScript drops the extra arguments).
 */
type RowKernel = (a: number, b: number, c: number, batch: number, lo: number, hi: number, d?: number, thread?: number) => void;
/** An epilogue over the same rows, its arrays at byte offsets q0 … q5. */
type Epilogue = (lo: number, hi: number, batch: number, q0: number, q1: number, q2: number, q3: number, q4: number, q5: number) => void;
/** What a thread runs jobs with: the row kernels and epilogues by index, and the updates. */
export interface JobFunctions {
  readonly kernels: readonly RowKernel[];
  readonly epilogues: readonly Epilogue[];
  readonly sgd: (p: number, g: number, n: number, lr: number) => void;
  readonly adam: (
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    b1: number,
    b2: number,
    eps: number,
    decay: number,
  ) => void;
  readonly momentum: (
    p: number,
    g: number,
    v: number,
    n: number,
    momentum: number,
    lr: number,
    a: number,
    b: number,
    nesterov: number,
  ) => void;
}

/** The functions of a wasm instance's exports: kernel0 …, epilogue0 …, sgd, adam, momentum. */
export function jobFunctions(exports: Record<string, unknown>, kernels: number, epilogues: number): JobFunctions {
  const fn = <T>(name: string) => exports[name] as T;
  return {
    kernels: Array.from({ length: kernels }, (_, i) => fn<RowKernel>("kernel" + i)),
    epilogues: Array.from({ length: epilogues }, (_, i) => fn<Epilogue>("epilogue" + i)),
    sgd: fn<JobFunctions["sgd"]>("sgd"),
    adam: fn<JobFunctions["adam"]>("adam"),
    momentum: fn<JobFunctions["momentum"]>("momentum"),
  };
}

/** Rows lo..hi of the open job (or elements lo..hi of an update), on thread number `thread`. */
export function runPart(fns: JobFunctions, ctl: Int32Array, num: Float64Array, lo: number, hi: number, thread = 0): void {
  const kind = ctl[SLOT.KIND];
  const e0 = SLOT.E0;
  if (kind === JOB.ROWS) {
    const fn = ctl[SLOT.FN]!; // -1: a fused loop of its own, no row kernel before it
    if (fn >= 0) fns.kernels[fn]!(ctl[SLOT.A]!, ctl[SLOT.B]!, ctl[SLOT.C]!, ctl[SLOT.BATCH]!, lo, hi, ctl[SLOT.D]!, thread);
    const e = ctl[SLOT.EFN]!;
    if (e >= 0) fns.epilogues[e]!(lo, hi, ctl[SLOT.BATCH]!, ctl[e0]!, ctl[e0 + 1]!, ctl[e0 + 2]!, ctl[e0 + 3]!, ctl[e0 + 4]!, ctl[e0 + 5]!);
  } else if (kind === JOB.SGD) fns.sgd(ctl[SLOT.A]! + 4 * lo, ctl[SLOT.B]! + 4 * lo, hi - lo, num[0]!);
  else if (kind === JOB.MOMENTUM) {
    const [p, g, v] = [ctl[SLOT.A]! + 4 * lo, ctl[SLOT.B]! + 4 * lo, ctl[SLOT.C]! + 4 * lo];
    fns.momentum(p, g, v, hi - lo, num[0]!, num[1]!, num[2]!, num[3]!, num[4]!);
  } else
    fns.adam(
      ctl[SLOT.A]! + 4 * lo,
      ctl[SLOT.B]! + 4 * lo,
      ctl[SLOT.C]! + 4 * lo,
      ctl[SLOT.D]! + 4 * lo,
      hi - lo,
      num[0]!,
      num[1]!,
      num[2]!,
      num[3]!,
      num[4]!,
    );
}

/**
 * Claims and runs chunks of the open job until none is left. A claim is a chunk's number (an
 * atomic add of 1), and the chunk's size and the total are read after it, so both are the job's
 * whose counter the add landed in. `busy` (a worker's BUSY slot, -1 for the caller) is set
 * around the claim and its check only: the caller waits for it before rewriting a job, and a
 * worker running a valid claim needs no flag (the caller cannot open another job before
 * FINISHED counts that claim's rows), so a worker descheduled while it computes never holds up
 * the next job's opening.
 */
export function takeParts(fns: JobFunctions, ctl: Int32Array, num: Float64Array, busy = -1): number {
  let done = 0;
  for (;;) {
    if (busy >= 0) Atomics.store(ctl, busy, 1);
    const claim = Atomics.add(ctl, SLOT.NEXT, 1);
    const chunk = Atomics.load(ctl, SLOT.CHUNK);
    const total = Atomics.load(ctl, SLOT.TOTAL);
    if (busy >= 0) {
      Atomics.store(ctl, busy, 0);
      Atomics.notify(ctl, busy);
    }
    const lo = claim * chunk;
    if (lo >= total) return done;
    const hi = Math.min(lo + chunk, total);
    runPart(fns, ctl, num, lo, hi, busy >= 0 ? busy - SLOT.BUSY + 1 : 0);
    done += hi - lo;
    // The caller waits for the total: wake it for the last part only.
    if (Atomics.add(ctl, SLOT.FINISHED, hi - lo) + (hi - lo) === total) Atomics.notify(ctl, SLOT.FINISHED);
  }
}

/**
 * Writes a job of `total` rows or elements in chunks of `chunk` and opens it to `workers` threads:
 * `fields` are FN, A, B, C, D, BATCH, EFN, E0 … E0 + 5 in order; `numbers` an update's five numbers.
 */
export function openJob(
  ctl: Int32Array,
  num: Float64Array,
  workers: number,
  kind: number,
  total: number,
  chunk: number,
  fields: readonly number[],
  numbers: readonly number[],
): void {
  Atomics.store(ctl, SLOT.NEXT, CLOSED);
  // No worker may still be checking a claim against the fields about to change.
  // (It is about to find the previous job done: a short spin, then a wait the worker ends with a notify.)
  for (let w = 0; w < workers; w++) {
    for (let spin = 0; spin < 100000 && Atomics.load(ctl, SLOT.BUSY + w) !== 0; spin++);
    while (Atomics.load(ctl, SLOT.BUSY + w) !== 0) Atomics.wait(ctl, SLOT.BUSY + w, 1, 10);
  }
  ctl[SLOT.KIND] = kind;
  const order = [SLOT.FN, SLOT.A, SLOT.B, SLOT.C, SLOT.D, SLOT.BATCH, SLOT.EFN];
  for (let i = 0; i < order.length; i++) ctl[order[i]!] = fields[i] ?? 0;
  for (let i = 0; i < 6; i++) ctl[SLOT.E0 + i] = fields[order.length + i] ?? 0;
  ctl[SLOT.TOTAL] = total;
  ctl[SLOT.CHUNK] = chunk;
  for (let i = 0; i < 5; i++) num[i] = numbers[i] ?? 0;
  Atomics.store(ctl, SLOT.FINISHED, 0);
  Atomics.store(ctl, SLOT.NEXT, 0);
  Atomics.add(ctl, SLOT.SEQ, 1);
  Atomics.notify(ctl, SLOT.SEQ);
}

/**
 * Whether a shared job took less time than the caller alone would have: `ms` the whole job (its
 * opening, the caller's parts and the wait for the rest), `ownMs` the caller's parts, `mine` of
 * `total` rows the caller did. The caller's rate stands for the job's on one thread.
 */
export function sharingPaid(ms: number, ownMs: number, mine: number, total: number): boolean {
  if (mine === 0) return true; // the workers did it all
  return mine < total && ms < (ownMs * total) / mine;
}

/** Waits until every row of the open job is done (after the caller took its parts); throws a worker's error. */
export function awaitJob(ctl: Int32Array, total: number): void {
  for (let spin = 0; spin < 100000 && Atomics.load(ctl, SLOT.FINISHED) !== total; spin++);
  const since = Date.now();
  for (let done = Atomics.load(ctl, SLOT.FINISHED); done !== total; done = Atomics.load(ctl, SLOT.FINISHED)) {
    if (Atomics.load(ctl, SLOT.ERROR) !== 0) {
      const text = new TextDecoder().decode(new Uint8Array(ctl.buffer, MESSAGE_AT, MESSAGE_BYTES).slice()).replace(/\0+$/, "");
      throw new Error("a worker thread failed (set NNC_THREADS=1 to run on one thread): " + text);
    }
    Atomics.wait(ctl, SLOT.FINISHED, done, 1000);
    if (Date.now() - since > 60000) throw new Error("internal: a worker thread stopped answering; set NNC_THREADS=1 to run on one thread");
  }
}

/**
 * A worker's life: wait for each job after job `seen` (by default, the one open as it starts), take
 * parts of it, report an error; never returns.
 */
export function serveJobs(fns: JobFunctions, ctl: Int32Array, num: Float64Array, index: number, seen = Atomics.load(ctl, SLOT.SEQ)): never {
  for (;;) {
    for (let spin = 0; spin < 50000 && Atomics.load(ctl, SLOT.SEQ) === seen; spin++);
    Atomics.wait(ctl, SLOT.SEQ, seen);
    seen = Atomics.load(ctl, SLOT.SEQ);
    try {
      takeParts(fns, ctl, num, SLOT.BUSY + index);
    } catch (e) {
      const text = String((e instanceof Error && e.stack) || e).slice(0, MESSAGE_BYTES / 4);
      new TextEncoder().encodeInto(text, new Uint8Array(ctl.buffer, MESSAGE_AT, MESSAGE_BYTES));
      Atomics.store(ctl, SLOT.ERROR, 1);
      Atomics.notify(ctl, SLOT.FINISHED);
      Atomics.store(ctl, SLOT.BUSY + index, 0);
      Atomics.notify(ctl, SLOT.BUSY + index);
    }
  }
}
