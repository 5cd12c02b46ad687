// What every runner does with its peer, in its own process (bench/peers/numpy_runner.py mirrors
// it line by line):
//   1. warm-up: `warmupSteps` steps or `warmupSeconds`, whichever comes first (at least 2
//      steps), untimed, which also estimate the time of a step;
//   2. timed: chunks of `chunkSteps` steps (about `chunkMs` each), each chunk's time / steps
//      recorded, until at least `minSteps` steps and `minSeconds` have been timed, or
//      `maxSeconds` have passed (slow peers time fewer steps); the report is the median chunk;
//   3. check: a fresh peer from the same initial params runs `checkSteps` steps on batches
//      0, 1, 2, ...; the runner returns every step's loss and writes the params after them (as
//      float64, laid out as the init file) to the job's `params` file, for the parent to compare
//      across peers.
// Step k of any phase trains on batch k mod (number of batches).

export interface Plan {
  readonly warmupSteps: number;
  readonly warmupSeconds: number;
  readonly minSteps: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly chunkMs: number;
  readonly checkSteps: number;
}

export const FULL_PLAN: Plan = { warmupSteps: 20, warmupSeconds: 1, minSteps: 200, minSeconds: 2, maxSeconds: 4, chunkMs: 50, checkSteps: 20 };
/** `npm run bench -- --quick`: for trying the harness, not for numbers. */
export const QUICK_PLAN: Plan = { warmupSteps: 3, warmupSeconds: 0.2, minSteps: 10, minSeconds: 0.2, maxSeconds: 0.5, chunkMs: 20, checkSteps: 10 };

/** One training step on batch `batch` (forward, backward, update), returning the loss. */
export interface Stepper {
  step(batch: number): number;
  /** The current params by name (views or copies). */
  params(): Readonly<Record<string, ArrayLike<number>>>;
  dispose?(): void;
  /** Facts learned while making the peer (nnc: its compile time), for the report. */
  readonly info?: Readonly<Record<string, string>>;
}

export interface Timing {
  /** ms per step of each timed chunk, in order. */
  readonly chunks: readonly number[];
  readonly chunkSteps: number;
  readonly steps: number;
  readonly seconds: number;
  readonly warmupSteps: number;
  readonly warmupMsPerStep: number;
}

export interface Check {
  /** The loss of each of the check's steps. */
  readonly losses: readonly number[];
}

export function time(stepper: Stepper, batches: number, plan: Plan): Timing {
  let sink = 0;
  let step = 0;
  const t0 = performance.now();
  while (step < 2 || (step < plan.warmupSteps && performance.now() - t0 < plan.warmupSeconds * 1000)) sink += stepper.step(step++ % batches);
  const warmupMsPerStep = (performance.now() - t0) / step;
  const chunkSteps = Math.max(1, Math.round(plan.chunkMs / Math.max(warmupMsPerStep, 1e-3)));
  const chunks: number[] = [];
  const start = performance.now();
  let timed = 0;
  for (;;) {
    const c0 = performance.now();
    for (let i = 0; i < chunkSteps; i++) sink += stepper.step(step++ % batches);
    const c1 = performance.now();
    chunks.push((c1 - c0) / chunkSteps);
    timed += chunkSteps;
    const seconds = (c1 - start) / 1000;
    if ((timed >= plan.minSteps && seconds >= plan.minSeconds) || seconds >= plan.maxSeconds) break;
  }
  // A diverged peer is caught by the check; the sum of losses only keeps the steps observable.
  void sink;
  return { chunks, chunkSteps, steps: timed, seconds: (performance.now() - start) / 1000, warmupSteps: step - timed, warmupMsPerStep };
}

/** Runs the check's steps; returns their losses and the params after them, flat in `order`. */
export function check(stepper: Stepper, batches: number, plan: Plan, order: Readonly<Record<string, readonly [number, number]>>): { check: Check; params: Float64Array } {
  const losses: number[] = [];
  for (let i = 0; i < plan.checkSteps; i++) losses.push(stepper.step(i % batches));
  const params = stepper.params();
  const flat = new Float64Array(Object.values(order).reduce((n, [, length]) => n + length, 0));
  for (const [name, [offset, length]] of Object.entries(order)) {
    const p = params[name];
    if (!p || p.length !== length) throw new Error(`the peer's params have no '${name}' of ${length} values`);
    for (let i = 0; i < length; i++) flat[offset + i] = p[i]!;
  }
  return { check: { losses }, params: flat };
}

/** A runner whose first round took longer than this (tfjs cpu on the conv net, nnc's JS backend on the book's run) is not run again. */
export const SLOW_ROUND_SECONDS = 30;

/** Round `round`'s order of interleaved runners: the first round's rotated by `round`, so each round is the last one's rotated by one. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
