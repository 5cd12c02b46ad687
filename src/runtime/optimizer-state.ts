// Optimizer state as buffers per slot and param ("m", "v" of each param): every built-in's, which
// a checkpoint stores as tensors and the executable's memory can hold.
import type { OptimizerKernels, Params, Slots } from "./optimizers.js";

/** Whether a state is buffers per slot and param (every built-in's). */
export function isSlots(state: unknown): state is Slots {
  return (
    typeof state === "object" &&
    state !== null &&
    Object.values(state).every(
      (slot) =>
        typeof slot === "object" &&
        slot !== null &&
        Object.values(slot).every((v) => v instanceof Float32Array || v instanceof Float64Array),
    )
  );
}

/**
 * The state with its buffers copied into the executable's memory (`kernels.zeros`), where `init`
 * makes them: a run resumed from a checkpoint then takes the same vector updates as the unbroken
 * run (Adam's, in float32 lanes, differ from the JS loop by rounding). Other states, buffers of
 * another element type, or no kernels: as they are.
 */
export function stateIn(state: unknown, kernels: OptimizerKernels | undefined): unknown {
  if (!kernels || !isSlots(state)) return state;
  const out: Slots = {};
  for (const [slot, buffers] of Object.entries(state)) {
    const moved: Params = {};
    for (const [name, b] of Object.entries(buffers)) {
      const z = kernels.zeros(b.length);
      if (z.constructor === b.constructor) z.set(b);
      moved[name] = z.constructor === b.constructor ? z : b; // f64 state for an f32 module stays a JS array
    }
    out[slot] = moved;
  }
  return out;
}
