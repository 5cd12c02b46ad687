// Scratch buffers by liveness: each stored value lives from the kernel that writes it to the last
// kernel that reads it; a buffer whose value is dead is reused by the next value of the same
// kind (a multiple of the same power of the batch size), growing to the largest. An elementwise
// store may take over the buffer of an input read at the same element that dies in the same loop
// (in place). Results (outputs, loss, gradients, state updates) get buffers of their own.
import type { NodeId } from "../graph/ir.js";
import type { Size, Slot } from "./plan.js";
import { sameSize } from "./size.js";

export interface Value {
  /** A node, or a negative key for temps and copies. */
  readonly key: number;
  readonly size: Size;
  /** Index of the kernel that writes it. */
  readonly def: number;
  /** Index of the last kernel that reads it; Infinity for results. */
  readonly lastUse: number;
  readonly result: boolean;
  readonly f64: boolean;
  /** Values read only at the same element by the loop that writes this one: candidates to write over. */
  readonly donors: readonly number[];
}

interface MutableSlot {
  id: number;
  size: Size;
  f64: boolean;
  result: boolean;
  holds: NodeId[];
}

/** Assigns a slot to every value; `values` in program order (by `def`, writers before readers within a kernel). */
export function assignSlots(values: readonly Value[]): { slotOf: Map<number, number>; slots: Slot[] } {
  const slots: MutableSlot[] = [];
  const slotOf = new Map<number, number>();
  const free = new Set<number>();
  const byKey = new Map(values.map((v) => [v.key, v]));
  const lastKernel = Math.max(-1, ...values.map((v) => v.def));

  for (let k = 0; k <= lastKernel; k++) {
    const donated = new Set<number>();
    for (const v of values) {
      if (v.def !== k) continue;
      slotOf.set(v.key, pick(v, k, donated));
      slots[slotOf.get(v.key)!]!.holds.push(v.key);
    }
    // Values whose last reader was this kernel free their slot for the next kernels.
    for (const v of values) {
      if (v.lastUse === k && !donated.has(v.key) && !v.result) free.add(slotOf.get(v.key)!);
    }
  }
  return { slotOf, slots: slots.map((s) => ({ ...s, holds: s.holds.filter((h) => h >= 0) })) };

  function pick(v: Value, k: number, donated: Set<number>): number {
    if (v.result) return create(v);
    for (const d of v.donors) {
      const donor = byKey.get(d);
      const slot = slotOf.get(d);
      if (!donor || slot === undefined || donor.lastUse !== k || donor.result || donated.has(d) || donor.f64 !== v.f64) continue;
      if (!sameSize(donor.size, v.size)) continue;
      donated.add(d);
      return slot;
    }
    // The free slot of the same kind closest in size; it grows if it is smaller.
    let best: MutableSlot | undefined;
    const cost = (s: MutableSlot) => (s.size.c >= v.size.c ? s.size.c - v.size.c : 2 * (v.size.c - s.size.c));
    for (const id of free) {
      const s = slots[id]!;
      if (s.f64 !== v.f64 || (s.size.p !== v.size.p && s.size.c !== 0 && v.size.c !== 0)) continue;
      if (!best || cost(s) < cost(best)) best = s;
    }
    if (!best) return create(v);
    free.delete(best.id);
    if (best.size.c < v.size.c) best.size = v.size;
    return best.id;
  }

  function create(v: Value): number {
    const id = slots.length;
    slots.push({ id, size: v.size, f64: v.f64, result: v.result, holds: [] });
    return id;
  }
}
