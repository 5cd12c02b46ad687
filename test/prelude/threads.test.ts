// The job protocol of src/prelude/threads.ts, run directly: this thread (the TypeScript source)
// and real worker threads (the text compiled modules carry, from prelude-parts/) share jobs
// of fake row kernels over one control block. Every row must run exactly once, the results must
// be one thread's bit for bit, a worker's error must reach the caller, and a stream of jobs of
// alternating sizes must not let a late claim of one job run rows of the next.
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { PRELUDE_PARTS } from "../../src/codegen/prelude-parts/index.generated.js";
import {
  awaitJob,
  CONTROL_BYTES,
  JOB,
  NUMBERS_AT,
  openJob,
  sharingPaid,
  SLOT,
  takeParts,
  type JobFunctions,
} from "../../src/prelude/threads.js";

/**
 * Row kernel 0: rows lo..hi of a job `a` into mem at c, counting each row at hits[b + row];
 * epilogue 0 rescales the same rows. Kernel 1 throws on a worker; on this thread it waits for the
 * error to be reported, so that the workers surely take the other rows (so the error test also
 * shows that workers take part in jobs).
 */
const FUNCTIONS = `(mem, hits, ctl, onWorker) => ({
  kernels: [
    (a, b, c, batch, lo, hi) => {
      for (let r = lo; r < hi; r++) {
        mem[c + r] = Math.sqrt(r + a) * Math.sin(a * 0.37 + r) + batch / (r + 1);
        Atomics.add(hits, b + r, 1);
      }
    },
    (a, b, c, batch, lo, hi) => {
      if (onWorker) throw new Error("boom in row " + lo);
      const since = Date.now();
      while (Atomics.load(ctl, ${SLOT.ERROR}) === 0 && Date.now() - since < 10000) Atomics.wait(ctl, ${SLOT.ERROR}, 0, 5);
    },
  ],
  epilogues: [
    (lo, hi, batch, q0) => {
      for (let r = lo; r < hi; r++) mem[q0 + r] = mem[q0 + r] * 0.5 - 1 / 3;
    },
  ],
  sgd() {},
  adam() {},
})`;

type Make = (mem: Float64Array, hits: Int32Array, ctl: Int32Array, onWorker: boolean) => JobFunctions;
const make = new Function(`return ${FUNCTIONS}`)() as Make;

const WORKER = `${PRELUDE_PARTS.threads!.code.text}
const { workerData } = require("node:worker_threads");
const { control, data, counts, index } = workerData;
const ctl = new Int32Array(control);
const fns = (${FUNCTIONS})(new Float64Array(data), new Int32Array(counts), ctl, true);
// From job 0 on: a worker that starts after the first job was opened still takes its part.
serveJobs(fns, ctl, new Float64Array(control, ${NUMBERS_AT}, 5), index, 0);
`;

interface Pool {
  ctl: Int32Array;
  num: Float64Array;
  mem: Float64Array;
  hits: Int32Array;
  fns: JobFunctions;
  workers: Worker[];
}

let pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.flatMap((p) => p.workers.map((w) => w.terminate())));
  pools = [];
});

function pool(workers: number, rows: number): Pool {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const data = new SharedArrayBuffer(rows * 8);
  const counts = new SharedArrayBuffer(rows * 4);
  const ctl = new Int32Array(control);
  const p: Pool = {
    ctl,
    num: new Float64Array(control, NUMBERS_AT, 5),
    mem: new Float64Array(data),
    hits: new Int32Array(counts),
    fns: make(new Float64Array(data), new Int32Array(counts), ctl, false),
    workers: Array.from(
      { length: workers },
      (_, index) => new Worker(WORKER, { eval: true, workerData: { control, data, counts, index } }),
    ),
  };
  pools.push(p);
  return p;
}

/** One job of row kernel `fn` on every thread of `p`, as a module's runRows shares it. */
function job(p: Pool, fn: number, total: number, chunk: number, id: number, at: number, epilogue: boolean): void {
  openJob(p.ctl, p.num, p.workers.length, JOB.ROWS, total, chunk, [fn, id, at, at, 0, total, epilogue ? 0 : -1, at, 0, 0, 0, 0, 0], []);
  takeParts(p.fns, p.ctl, p.num);
  awaitJob(p.ctl, total);
}

/** Jobs of alternating sizes and chunks, each over its own rows: [total, chunk, first row]. */
function stream(n: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  let at = 0;
  for (let j = 0; j < n; j++) {
    const total = [1, 211, 1, 64, 2][j % 5]!;
    const chunk = [1, 4, 1, 8, 3][(j % 7) % 5]!;
    out.push([total, chunk, at]);
    at += total;
  }
  return out;
}

describe("the thread protocol (src/prelude/threads.ts)", () => {
  it("runs every row of every job exactly once, back to back, with the bits of one thread", () => {
    const jobs = stream(8000);
    const rows = jobs.reduce((s, [t]) => s + t, 0);
    const [one, four] = [pool(0, rows), pool(3, rows)];
    for (const p of [one, four]) jobs.forEach(([total, chunk, at], id) => job(p, 0, total, chunk, id + 1, at, id % 2 === 0));
    // A late claim of a small job that read the next, larger job's total would run rows twice (or stall the caller).
    expect(four.hits.every((h) => h === 1)).toBe(true);
    expect(one.hits.every((h) => h === 1)).toBe(true);
    expect(Array.from(four.mem)).toEqual(Array.from(one.mem));
  });

  it("reports a worker's error to the caller", () => {
    const p = pool(2, 64);
    expect(() => job(p, 1, 8, 1, 1, 0, false)).toThrow(
      /a worker thread failed \(set NNC_THREADS=1 to run on one thread\): Error: boom in row/,
    );
  });

  it("without workers, the caller runs the whole job itself", () => {
    const p = pool(0, 10);
    job(p, 0, 10, 3, 7, 0, true);
    expect(Array.from(p.hits)).toEqual(new Array(10).fill(1));
    const expected = Array.from({ length: 10 }, (_, r) => (Math.sqrt(r + 7) * Math.sin(7 * 0.37 + r) + 10 / (r + 1)) * 0.5 - 1 / 3);
    expect(Array.from(p.mem)).toEqual(expected);
  });

  it("a shared job pays when it ends before the caller alone would have (the caller's rate for the job's)", () => {
    // Half the rows in 1 ms: alone, 2 ms; a job of 1.3 ms (opening, waiting) paid, one of 2.2 ms did not.
    expect(sharingPaid(1.3, 1, 50, 100)).toBe(true);
    expect(sharingPaid(2.2, 1, 50, 100)).toBe(false);
    // The caller did every row: the worker gave nothing, whatever the times.
    expect(sharingPaid(1.01, 1, 100, 100)).toBe(false);
    // The worker did every row (the caller woke late): paid.
    expect(sharingPaid(0.5, 0, 0, 100)).toBe(true);
  });
});
