// A row kernel's fused epilogue (a matmul's bias add, activation, an activation's derivative: the
// LoopKernel the plan attached to it) as a WebAssembly function over a range of C's rows, so that it runs in the
// arena right after those rows are computed, on whichever thread computed them. Four lanes at a
// time along the last dimension, then one at a time for the last 1-3 elements of a row. Each op
// writes itself through its OpDef's `wasm` (vector.ts).
//
// Only what vectorizes this way is taken: no reductions, no random draws (dropout), every array
// a float32 array of the arena, every load along the last dimension either contiguous or
// broadcast, and at most MAX_ARRAYS arrays. Anything else keeps its JS epilogue.
import type { Graph } from "../../graph/ir.js";
import { mapExpr } from "../../graph/ops/index.js";
import type { LoopKernel, Size, Step, Storage } from "../plan.js";
import { template } from "../schedule.js";
import { FunctionBody, I32, V128 } from "./encode.js";
import { sizeLocal } from "./sizes.js";
import { VectorEmitter } from "./vector.js";
import { exprToWasm, wasmCanRender } from "./expr-wasm.js";

/** Arrays an epilogue may touch (the control block of threads.ts carries this many offsets). */
export const MAX_ARRAYS = 6;

/** (row0, row1, batch, a0 … a5): rows row0 ≤ i < row1; a_k the byte offset of array k. */
export interface WasmEpilogue {
  readonly body: FunctionBody;
  /** The arrays, in the order of their offsets, with a node each for naming them. */
  readonly arrays: readonly { readonly storage: Storage; readonly node: number }[];
}

const isConst = (s: Size, c: number) => s.p === 0 && s.c === c;

/** The epilogue in WebAssembly, or undefined when it needs something this does not do. */
export function epilogueFunction(k: LoopKernel, g: Graph, inArena: (s: Storage) => boolean): WasmEpilogue | undefined {
  if (k.reductions.length > 0 || k.dims.length < 1 || k.dims.length > 2) return undefined;
  const arrays: { storage: Storage; node: number }[] = [];
  const indexOf = (storage: Storage, node: number): number => {
    const key = JSON.stringify(storage);
    const at = arrays.findIndex((a) => JSON.stringify(a.storage) === key);
    if (at >= 0) return at;
    arrays.push({ storage, node });
    return arrays.length - 1;
  };
  const last = k.dims.length - 1;
  for (const s of k.steps) {
    if (s.kind === "accumulate") return undefined;
    if (s.kind === "load") {
      const inner = s.strides[last]!;
      if ((s.from.kind !== "slot" && s.from.kind !== "param" && s.from.kind !== "input") || !inArena(s.from)) return undefined;
      if (!isConst(inner, 0) && !isConst(inner, 1)) return undefined;
      indexOf(s.from, s.node);
    } else if (s.kind === "store") {
      const to: Storage = { kind: "slot", slot: s.slot };
      if (!inArena(to)) return undefined;
      indexOf(to, s.node);
    } else if (s.kind === "compute") {
      const t = template(g.nodes[s.node]!);
      // Training mode: the strictest (a random op's draws have no vector form).
      if (t.kind !== "map" || t.readsInputs === false || !wasmCanRender(mapExpr(g.nodes[s.node]!, { training: true }))) return undefined;
    }
  }
  if (arrays.length > MAX_ARRAYS) return undefined;
  // One stored array (the usual: the result written over C, or into a slot of its own).
  if (new Set(k.steps.filter((s) => s.kind === "store").map((s) => (s as { slot: number }).slot)).size !== 1) return undefined;

  const f = new FunctionBody(Array.from({ length: 3 + MAX_ARRAYS }, () => I32));
  const [ROW0, ROW1, BATCH] = [0, 1, 2];
  const pointer = (i: number) => 3 + i;
  const v = new VectorEmitter(f);

  const sizeOf = (s: Size, scale = 1) => sizeLocal(f, s, BATCH, scale);
  // Inline operands (constants, sizes) splatted once.
  const inline = new Map<string, number>();
  for (const s of k.steps) {
    if (s.kind !== "compute" && s.kind !== "store") continue;
    for (const o of s.kind === "compute" ? s.args : [s.value]) {
      if (o.kind !== "inline" || inline.has(JSON.stringify(o.value))) continue;
      const l = f.local(V128);
      if (o.value.kind === "const") v.splat(o.value.value);
      else {
        f.get(sizeOf(o.value.size)).f32ConvertI32S().f32x4Splat();
      }
      f.set(l);
      inline.set(JSON.stringify(o.value), l);
    }
  }
  // For 2-D, the row's extent, each load's row stride and the stored array's, in bytes.
  const width = last === 1 ? sizeOf(k.dims[1]!) : -1;
  const rowStride = k.steps.map((s) => (s.kind === "load" && last === 1 ? sizeOf(s.strides[0]!, 4) : -1));
  const storeRowStride = last === 1 ? sizeOf(k.dims[1]!, 4) : -1;

  const j = f.local(I32);
  const bases = k.steps.map(() => f.local(I32));
  const storeBase = f.local(I32);

  /** One group of `lanes` (4 or 1) elements at j. */
  const group = (lanes: 4 | 1) => {
    const locals: number[] = [];
    k.steps.forEach((s, i) => {
      if (s.kind === "load") {
        const contiguous = isConst(s.strides[last]!, 1);
        f.get(bases[i]!);
        if (contiguous) f.get(j).i32(4).mul().add();
        if (!contiguous) f.v128Load32Splat();
        else if (lanes === 4) f.v128Load();
        else f.v128Load32Zero();
        locals[i] = f.local(V128);
        f.set(locals[i]!);
      } else if (s.kind === "compute") {
        const n = g.nodes[s.node]!;
        exprToWasm(
          v,
          mapExpr(n, { training: true }),
          s.args.map((o) => (o.kind === "local" ? locals[o.step]! : inline.get(JSON.stringify(o.value))!)),
        );
        locals[i] = f.local(V128);
        f.set(locals[i]!);
      } else if (s.kind === "store") {
        const value = s.value.kind === "local" ? locals[s.value.step]! : inline.get(JSON.stringify(s.value.value))!;
        f.get(storeBase).get(j).i32(4).mul().add().get(value);
        if (lanes === 4) f.v128Store();
        else f.v128Store32Lane(0);
      }
    });
  };
  /** j over [from, to): groups of 4, then the rest one at a time. */
  const across = (from: () => void, to: number) => {
    from();
    f.set(j);
    f.block().loop();
    f.get(j).i32(4).add().get(to).gtS().brIf(1);
    group(4);
    f.get(j).i32(4).add().set(j).br(0);
    f.end().end();
    f.block().loop();
    f.get(j).get(to).ltS().eqz().brIf(1);
    group(1);
    f.get(j).i32(1).add().set(j).br(0);
    f.end().end();
  };
  const loads = k.steps.flatMap((s, i) => (s.kind === "load" ? [{ s, i }] : []));
  const store = k.steps.find((s): s is Extract<Step, { kind: "store" }> => s.kind === "store")!;
  const stored = pointer(indexOf({ kind: "slot", slot: store.slot }, store.node));

  if (last === 0) {
    // One dimension, the rows themselves: elements row0 ≤ j < row1, each array from its start.
    for (const { s, i } of loads) f.get(pointer(indexOf(s.from, s.node))).set(bases[i]!);
    f.get(stored).set(storeBase);
    const end = f.local(I32);
    f.get(ROW1).set(end);
    across(() => f.get(ROW0), end);
    return { body: f, arrays };
  }
  // Two dimensions: for each row i, every array's row start, then the row's elements.
  const i = f.local(I32);
  f.get(ROW0).set(i);
  f.block().loop();
  f.get(i).get(ROW1).ltS().eqz().brIf(1);
  for (const { s, i: step } of loads) {
    f.get(pointer(indexOf(s.from, s.node)))
      .get(i)
      .get(rowStride[step]!)
      .mul()
      .add()
      .set(bases[step]!);
  }
  f.get(stored).get(i).get(storeRowStride).mul().add().set(storeBase);
  across(() => f.i32(0), width);
  f.get(i).i32(1).add().set(i).br(0);
  f.end().end();
  return { body: f, arrays };
}
