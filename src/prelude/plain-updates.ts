// The optimizers' exports and `threads` of a module whose kernels are plain JavaScript: plain arrays, the
// caller's own loops, one thread. (A module with an arena carries arena-updates.ts and pool.ts.)

/**
 * n zeroed floats (an optimizer's state).
 * @moduleExport
 */
export function zeros(n: number): Floats {
  return new F(n);
}

/**
 * Vector updates come with --backend wasm: false here, for the caller's own loop.
 * @moduleExport
 */
export function updateSgd(): boolean {
  return false;
}

/**
 * Vector updates come with --backend wasm: false here, for the caller's own loop.
 * @moduleExport
 */
export function updateAdam(): boolean {
  return false;
}

/**
 * Vector updates come with --backend wasm: false here, for the caller's own loop.
 * @moduleExport
 */
export function updateMomentum(): boolean {
  return false;
}

/**
 * The threads its matmuls run on: this module's kernels are plain JavaScript, on the calling thread.
 * @moduleExport
 */
export function threads(): number {
  return 1;
}
