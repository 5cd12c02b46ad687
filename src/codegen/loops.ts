// One fused loop: the steps that compute one element of an iteration space, then the loop nest
// made as flat as the accesses allow. Loads come first in the body, so a store may overwrite an
// input in place (buffers.ts) without a later step reading the new value.
import type { Graph, NodeId, Shape } from "../graph/ir.js";
import { permutation, reductionAxes } from "../graph/ops/index.js";
import type { LoopKernel, Operand, Size, Step, Storage } from "./plan.js";
import { template, type Unit } from "./schedule.js";
import { broadcastStrides, contiguous, elements, isConst, mul, ONE, permutedStrides, sameSize, shapeSizes, ZERO } from "./size.js";

export interface LoopContext {
  readonly g: Graph;
  readonly batch: number | undefined;
  readonly storageOf: (id: NodeId) => Storage;
  readonly slotOf: ReadonlyMap<number, number>;
  /** Result slots of copy units, by unit index. */
  readonly copyKeys: ReadonlyMap<number, number>;
}

type Local = { kind: "load"; index: number } | { kind: "body"; index: number } | Extract<Operand, { kind: "inline" }>;
type Draft =
  | { kind: "compute"; node: NodeId; args: Local[] }
  | { kind: "store"; node: NodeId; value: Local; slot: number }
  | { kind: "accumulate"; node: NodeId; value: Local; slot: number; strides: Size[] };

/** The loop over `shape` computing `units`; an epilogue keeps its row loop (run per block of rows). */
export function buildLoop(ctx: LoopContext, units: readonly Unit[], shape: Shape, epilogue: boolean): LoopKernel {
  const { g, batch, storageOf, slotOf } = ctx;
  const space = shapeSizes(shape, batch);
  const loads: { kind: "load"; node: NodeId; from: Storage; strides: Size[] }[] = [];
  const loadIndex = new Map<string, number>();
  const body: Draft[] = [];
  const localOf = new Map<NodeId, Local>();
  const reductions: LoopKernel["reductions"][number][] = [];

  const read = (input: NodeId, strides: Size[]): Local => {
    const local = localOf.get(input);
    if (local) return local;
    const from = storageOf(input);
    if (from.kind === "const" || from.kind === "size") return { kind: "inline", value: from };
    const key = JSON.stringify([from, strides]);
    let index = loadIndex.get(key);
    if (index === undefined) {
      index = loads.length;
      loads.push({ kind: "load", node: input, from, strides });
      loadIndex.set(key, index);
    }
    return { kind: "load", index };
  };
  const readStrides = (reader: NodeId, input: NodeId): Size[] => {
    const from = shapeSizes(g.nodes[input]!.shape, batch);
    const perm = permutation(g.nodes[reader]!);
    if (perm) return permutedStrides(from, perm);
    return broadcastStrides(from, space);
  };

  for (const u of units) {
    if (u.kind === "copy") {
      const value = read(u.root, contiguous(space));
      body.push({ kind: "store", node: u.root, value, slot: slotOf.get(ctx.copyKeys.get(u.index)!)! });
      continue;
    }
    for (const m of u.members) {
      const n = g.nodes[m]!;
      const t = template(n);
      if (t.kind === "map") {
        const args = t.readsInputs === false ? [] : n.inputs.map((i) => read(i, readStrides(m, i)));
        body.push({ kind: "compute", node: m, args });
        const local: Local = { kind: "body", index: body.length - 1 };
        localOf.set(m, local);
        const slot = slotOf.get(m);
        if (m === u.root && slot !== undefined) body.push({ kind: "store", node: m, value: local, slot });
      } else if (t.kind === "reduce") {
        const input = n.inputs[0]!;
        const slot = slotOf.get(m)!;
        const axes = reductionAxes(n);
        const kept = contiguous(space.map((d, i) => (axes.includes(i) ? ONE : d)));
        const strides = kept.map((s, i) => (axes.includes(i) ? ZERO : s));
        body.push({ kind: "accumulate", node: m, value: read(input, readStrides(m, input)), slot, strides });
        reductions.push({ node: m, slot, size: elements(n.shape, batch) });
      }
    }
  }

  // Merge loops: drop extent-1 loops, then fuse neighbours every access steps through contiguously.
  const accesses: Size[][] = [...loads.map((l) => l.strides), ...body.flatMap((s) => (s.kind === "accumulate" ? [s.strides] : []))];
  const { dims, strides } = coalesce(space, accesses, epilogue);
  let k = 0;
  loads.forEach((l) => (l.strides = strides[k++]!));
  body.forEach((s) => s.kind === "accumulate" && (s.strides = strides[k++]!));

  const operand = (l: Local): Operand =>
    l.kind === "inline" ? l : { kind: "local", step: l.kind === "load" ? l.index : loads.length + l.index };
  const steps: Step[] = [
    ...loads,
    ...body.map((s): Step => (s.kind === "compute" ? { ...s, args: s.args.map(operand) } : { ...s, value: operand(s.value) })),
  ];
  const nodes = units.flatMap((u) => (u.kind === "copy" ? [u.root] : u.members));
  return { kind: "loop", nodes, dims, steps, reductions };
}

/** Drops extent-1 loops and merges loops d, d+1 when every access has stride[d] = stride[d+1]·extent[d+1]. */
export function coalesce(space: readonly Size[], accesses: readonly Size[][], keepFirst: boolean): { dims: Size[]; strides: Size[][] } {
  const keep = space.map((d, i) => !isConst(d, 1) || (keepFirst && i === 0));
  let dims = space.filter((_, i) => keep[i]);
  let strides = accesses.map((a) => a.filter((_, i) => keep[i]));
  for (let d = dims.length - 2; d >= (keepFirst ? 1 : 0); d--) {
    const next = dims[d + 1]!;
    if (!strides.every((a) => sameSize(a[d]!, mul(a[d + 1]!, next)))) continue;
    dims = [...dims.slice(0, d), mul(dims[d]!, next), ...dims.slice(d + 2)];
    strides = strides.map((a) => [...a.slice(0, d), a[d + 1]!, ...a.slice(d + 2)]);
  }
  return { dims, strides };
}
