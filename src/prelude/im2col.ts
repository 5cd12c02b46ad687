// The JavaScript side of the convolution kernels with the wasm backend
// (src/codegen/kernels/conv/wasm-function.ts): a job over the images of a batch, cut into at
// most `slots` chunks (the kernels' SLOTS) whose bounds depend on the batch alone, run on this thread and the
// workers (large jobs) or chunk after chunk here; and the sum of the filter gradient's partial
// sums, one per chunk, in chunk order. So the bits do not depend on the thread count.
import { JOBS, MIN_SPLIT, shareJob, startThreads, threadPool } from "./pool.js";
import { JOB } from "./threads.js";
import { MEMORY } from "./arena.js";

let intView: Int32Array<ArrayBufferLike> = new Int32Array(0);

/**
 * Writes row kernel `fn`'s operand block at byte `desc` (in0, in1, out, scratch), runs it over
 * images 0 … batch - 1 in chunks of ceil(batch / slots) (`work`: multiply-adds per image), and
 * returns the number of chunks.
 */
export function runImages(
  fn: number,
  desc: number,
  in0: number,
  in1: number,
  out: number,
  scratch: number,
  batch: number,
  work: number,
  slots: number,
): number {
  if (intView.byteLength !== MEMORY.buffer.byteLength) intView = new Int32Array(MEMORY.buffer);
  const at = desc >> 2;
  intView[at] = in0;
  intView[at + 1] = in1;
  intView[at + 2] = out;
  intView[at + 3] = scratch;
  const chunk = Math.ceil(batch / slots);
  const chunks = chunk === 0 ? 0 : Math.ceil(batch / chunk);
  const large = chunks > 1 && batch * work >= MIN_SPLIT;
  if (large && threadPool === undefined) startThreads();
  if (large && threadPool!.length > 0) shareJob(JOB.ROWS, batch, chunk, [fn, desc, 0, 0, 0, batch, -1], []);
  else for (let k = 0; k < chunks; k++) JOBS.kernels[fn]!(desc, 0, 0, batch, k * chunk, Math.min(batch, (k + 1) * chunk));
  return chunks;
}

/**
 * to = the sum of `chunks` partial sums at mem[from + k·stride], k in order; with `filters` > 0
 * each is to's transpose ([taps × filters], to being [filters × taps]).
 */
export function sumSlots(to: Floats, mem: Floats, from: number, stride: number, chunks: number, filters: number): void {
  to.fill(0);
  const taps = filters > 0 ? to.length / filters : 0;
  for (let k = 0; k < chunks; k++) {
    const at = from + k * stride;
    if (filters === 0) for (let i = 0; i < to.length; i++) to[i]! += mem[at + i]!;
    else for (let f = 0; f < filters; f++) for (let t = 0; t < taps; t++) to[f * taps + t]! += mem[at + t * filters + f]!;
  }
}
