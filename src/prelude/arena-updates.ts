// The optimizers' exports of a module with an arena: state kept there, updates in WebAssembly,
// large ones shared with the workers (pool.ts). A module without one carries plain-updates.ts.
import { claimTop, arenaView, inArena, SHARED, WASM } from "./arena.js";
import { MIN_SPLIT_UPDATE, shareJob, sharing, startThreads, threadPool } from "./pool.js";
import { JOB } from "./threads.js";

/**
 * n zeroed floats kept in the module's memory for good (an optimizer's state); a plain array where the memory cannot be shared.
 * @moduleExport
 */
export function zeros(n: number): Floats {
  if (!SHARED) return new F(n);
  return arenaView(claimTop(n), n); // never used before: zero
}

/** True when an update of n elements is worth sharing with the workers (starting them). */
export function shareUpdate(n: number): boolean {
  if (n < MIN_SPLIT_UPDATE) return false;
  if (threadPool === undefined) startThreads();
  return sharing();
}

/**
 * SGD's update, p -= lr g, in WebAssembly when p and g are in the module's memory (true); false when not, for the caller's own loop.
 * @moduleExport
 */
export function updateSgd(p: Floats, g: Floats, lr: number): boolean {
  if (!inArena(p, p.length) || !inArena(g, p.length)) return false;
  if (shareUpdate(p.length / 4)) shareJob(JOB.SGD, p.length, 4096, [0, p.byteOffset, g.byteOffset], [lr]);
  else WASM.sgd!(p.byteOffset, g.byteOffset, p.length, lr);
  return true;
}

/**
 * Momentum's update (v = momentum v - lr g; p += v), or Nesterov's (p += momentum² v - (1 + momentum) lr g),
 * nnc's runtime optimizer to the bit, in WebAssembly when p, g and v are in the module's memory (true); false when not.
 * @moduleExport
 */
export function updateMomentum(p: Floats, g: Floats, v: Floats, lr: number, momentum: number, nesterov: boolean): boolean {
  if (!inArena(p, p.length) || !inArena(g, p.length) || !inArena(v, p.length)) return false;
  // As the JS loop computes them: momentum * momentum * v and (1 + momentum) * lr * g.
  const numbers = [momentum, lr, momentum * momentum, (1 + momentum) * lr, nesterov ? 1 : 0];
  if (shareUpdate(p.length / 2)) shareJob(JOB.MOMENTUM, p.length, 4096, [0, p.byteOffset, g.byteOffset, v.byteOffset], numbers);
  else WASM.momentum!(p.byteOffset, g.byteOffset, v.byteOffset, p.length, numbers[0]!, numbers[1]!, numbers[2]!, numbers[3]!, numbers[4]!);
  return true;
}

/**
 * Adam's update (nnc's runtime optimizer, in float32 lanes) in WebAssembly when p, g, m and v are in the module's memory (true); false when not.
 * @moduleExport
 */
export function updateAdam(
  p: Floats,
  g: Floats,
  m: Floats,
  v: Floats,
  lrT: number,
  beta1: number,
  beta2: number,
  eps: number,
  decay: number,
): boolean {
  if (!inArena(p, p.length) || !inArena(g, p.length) || !inArena(m, p.length) || !inArena(v, p.length)) return false;
  if (shareUpdate(p.length))
    shareJob(
      JOB.ADAM,
      p.length,
      4096,
      [0, p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset],
      [lrT, 1 - beta1, 1 - beta2, eps, decay],
    );
  else WASM.adam!(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, p.length, lrT, 1 - beta1, 1 - beta2, eps, decay);
  return true;
}
