// lower: Graph -> KernelPlan, a pure pass. For each program (predict in inference mode; the
// training step with loss, gradients and state updates) it decides:
//   1. which nodes are needed (by data; shape-only uses such as `count` read nothing),
//   2. fusion and order (schedule.ts): elementwise chains inlined into their consumers' loops,
//      loops of the same shape merged, elementwise work after a matmul run as its epilogue,
//   3. where every value lives: fed arrays, the params record, inline scalars, or scratch
//      buffers assigned by liveness (buffers.ts),
//   4. each loop's body as steps over one element (loads, computes, stores, accumulations)
//      with strides for broadcasting and permutations, contiguous loops merged into one.
// Guarantees: every extent and stride is a Size (constant but for the batch), no code text.
import { dependencies, sameShape, type Graph, type NodeId, type Shape } from "../graph/ir.js";
import { assignSlots, type Value } from "./buffers.js";
import { CompileError } from "./errors.js";
import { buildLoop } from "./loops.js";
import type { Kernel, KernelPlan, Program, Size, Storage } from "./plan.js";
import { dataInputs, identityRead, resolve, schedule, template, type Schedule, type Unit } from "./schedule.js";
import { isHeavy, pluginOf } from "./kernels/index.js";
import { dimSize, elements, product } from "./size.js";

export interface LowerOptions {
  readonly dtype?: "f32" | "f64";
  /** Fix the batch size at compile time (every loop bound becomes a constant). */
  readonly batch?: number;
  /**
   * Operands and results of heavy kernels that ask for it (matmul) stored as float32, not float64
   * like other intermediates: the wasm backend's kernels read and write them in place, in
   * WebAssembly memory.
   */
  readonly arenaOperands?: boolean;
  /** Matmuls whose left operand may hold many zeros skip them (wasm; default true). See CompileOptions. */
  readonly zeroSkipping?: boolean;
}

export function lower(g: Graph, options: LowerOptions = {}): KernelPlan {
  const batch = options.batch;
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1))
    throw new CompileError(`the batch size must be an integer >= 1, got ${batch}`);
  const dtype = options.dtype ?? "f32";
  const arenaOperands = dtype === "f32" && options.arenaOperands === true;
  const zeroSkipping = options.zeroSkipping !== false;
  const predict = lowerProgram(g, "predict", batch, dtype, arenaOperands, zeroSkipping);
  const train = g.loss !== undefined ? lowerProgram(g, "train", batch, dtype, arenaOperands, zeroSkipping) : undefined;
  return { graph: g, dtype, ...(batch !== undefined && { batch }), predict, ...(train && { train }) };
}

function lowerProgram(
  g: Graph,
  mode: "predict" | "train",
  batch: number | undefined,
  dtype: "f32" | "f64",
  arenaOperands: boolean,
  zeroSkipping: boolean,
): Program {
  const training = mode === "train";
  // S1: results and what they need.
  const outputs = training ? [] : g.outputs;
  const grads = training ? g.grads : [];
  const state = training ? g.states.map((s) => ({ name: s.name, node: s.update })) : [];
  const loss = training ? g.loss : undefined;
  const roots = [
    ...outputs.map((o) => o.node),
    ...(loss !== undefined ? [loss] : []),
    ...grads.map((x) => x.node),
    ...state.map((s) => s.node),
  ];
  const results = new Set(roots);
  const needed = dependencies(g, roots, dataInputs);
  // S2: fusion and order.
  // f32 results that are sums (bias gradients) accumulate in float64, then are copied out rounded
  // (in the arena, where the loops run in WebAssembly, in float32 in place).
  const copied = (id: NodeId) => dtype === "f32" && !arenaOperands && template(g.nodes[id]!).kind === "reduce" && id !== loss;
  const sched = schedule(g, needed, results, copied);
  const isResult = (id: NodeId) => results.has(id) && !copied(id);
  const kernelOf = new Map<number, number>();
  sched.kernels.forEach((k, i) => {
    for (const u of k.kind === "loop" ? k.units : [k.unit, ...k.epilogue]) kernelOf.set(u.index, i);
  });
  const unitOfMember = new Map<NodeId, Unit>();
  for (const u of sched.units) for (const m of u.members) unitOfMember.set(m, u);
  const kernelOfNode = (id: NodeId) => kernelOf.get(unitOfMember.get(id)!.index)!;

  // S3: values to store, their lifetimes, then slots.
  const sizeOf = (shape: Shape): Size => elements(shape, batch);
  const values: Value[] = [];
  const copiedAt = new Map<NodeId, number>();
  for (const u of sched.units)
    if (u.kind === "copy") copiedAt.set(resolve(g, u.root), Math.max(copiedAt.get(resolve(g, u.root)) ?? -1, kernelOf.get(u.index)!));
  const lastUse = (id: NodeId) =>
    isResult(id) ? Infinity : Math.max(copiedAt.get(id) ?? -1, ...(sched.consumers.get(id) ?? []).map(kernelOfNode));
  const stored = (u: Unit): boolean =>
    results.has(u.root) ||
    sched.viewed.has(u.root) ||
    (sched.consumers.get(u.root) ?? []).some((c) => kernelOfNode(c) !== kernelOf.get(u.index));
  // Operands and results of kernels that read them in place in the wasm arena (as float32).
  const arenaValues = new Set<NodeId>();
  if (arenaOperands)
    for (const k of sched.kernels) {
      const n = g.nodes[k.kind === "kernel" ? k.unit.root : -1];
      if (n && isHeavy(n) && pluginOf(n.op).arenaOperands) for (const id of [n.id, ...n.inputs]) arenaValues.add(resolve(g, id));
    }
  let tempKey = -1;
  const temps = new Map<number, number[]>();
  const copyKeys = new Map<number, number>();
  sched.kernels.forEach((k, ki) => {
    // Intermediates are float64 whatever the dtype (no conversion on each read, no rounding between
    // kernels), but for operands read in place in the arena, and every value of a program in the
    // arena (its loops run in WebAssembly, on float32); results have the module's type, but the
    // loss, one number, stays float64.
    const value = (id: NodeId, donors: number[] = []) =>
      values.push({
        key: id,
        size: sizeOf(g.nodes[id]!.shape),
        def: ki,
        lastUse: lastUse(id),
        result: isResult(id),
        f64: id === loss || (!arenaOperands && !isResult(id) && !arenaValues.has(id)),
        donors,
      });
    if (k.kind !== "loop") value(k.unit.root);
    const n = g.nodes[k.kind === "kernel" ? k.unit.root : -1];
    if (n && isHeavy(n)) {
      const shapes = pluginOf(n.op).temps?.(n.inputs.map((i) => g.nodes[i]!.shape)) ?? [];
      temps.set(
        ki,
        shapes.map((s) => {
          values.push({ key: tempKey, size: sizeOf(s), def: ki, lastUse: ki, result: false, f64: true, donors: [] });
          return tempKey--;
        }),
      );
    }
    const loopUnits = k.kind === "loop" ? k.units : k.epilogue;
    for (const u of loopUnits) {
      if (u.kind === "copy") {
        copyKeys.set(u.index, tempKey);
        values.push({ key: tempKey--, size: sizeOf(u.shape), def: ki, lastUse: Infinity, result: true, f64: false, donors: [] });
      } else if (template(g.nodes[u.root]!).kind === "reduce" || stored(u))
        value(u.root, donorsFor(g, sched, u, loopUnits, k.kind === "kernel" ? k.unit.root : undefined));
    }
  });
  const { slotOf, slots } = assignSlots(values);

  // S4: kernels.
  const storageOf = (id: NodeId): Storage => {
    const n = g.nodes[resolve(g, id)]!;
    if (n.op === "input") return { kind: "input", name: n.attrs.name };
    if (n.op === "param" || n.op === "state") return { kind: "param", name: n.attrs.name };
    if (n.op === "const") return { kind: "const", value: n.attrs.value };
    if (n.op === "count")
      return {
        kind: "size",
        size: product(n.attrs.axes.map((a) => dimSize(g.nodes[n.inputs[0]!]!.shape[a]!, batch))),
      };
    const slot = slotOf.get(n.id);
    if (slot === undefined) throw new Error(`internal: node ${n.id} (${n.op}) has no storage`);
    return { kind: "slot", slot };
  };
  const ctx = { g, batch, storageOf, slotOf, copyKeys };
  const kernels: Kernel[] = sched.kernels.map((k, ki): Kernel => {
    if (k.kind === "loop") return buildLoop(ctx, k.units, k.units[0]!.shape, false);
    const n = g.nodes[k.unit.root]!;
    if (!isHeavy(n)) throw new Error(`internal: no kernel plugin computes ${n.op}`);
    const epilogue = k.epilogue.length > 0 ? buildLoop(ctx, k.epilogue, n.shape, true) : undefined;
    return {
      kind: "kernel",
      op: n.op,
      node: n.id,
      inputs: n.inputs.map(storageOf),
      out: slotOf.get(n.id)!,
      temps: (temps.get(ki) ?? []).map((t) => slotOf.get(t)!),
      data: pluginOf(n.op).plan(n, { g, batch, storageOf, zeroSkipping }),
      ...(epilogue && { epilogue }),
    };
  });

  const copyOf = new Map(sched.units.filter((u) => u.kind === "copy").map((u) => [u.root, u.index]));
  const resultSlot = (id: NodeId): number => {
    const copy = copyOf.get(id);
    return copy !== undefined ? slotOf.get(copyKeys.get(copy)!)! : slotOf.get(id)!;
  };
  const feeds = g.inputs.filter((i) => dependsOnLeaf(g, roots, i.node)).map((i) => i.name);
  return {
    mode,
    kernels,
    slots,
    feeds,
    outputs: outputs.map((o) => ({ name: o.name, slot: resultSlot(o.node) })),
    ...(loss !== undefined && { loss: resultSlot(loss) }),
    grads: grads.map((x) => ({ name: x.name, slot: resultSlot(x.node) })),
    state: state.map((s) => ({ name: s.name, slot: resultSlot(s.node) })),
  };
}

/** Whether any root depends on the leaf at all (shape-only uses count: they fix the batch size). */
function dependsOnLeaf(g: Graph, roots: readonly NodeId[], leaf: NodeId): boolean {
  const seen = new Uint8Array(g.nodes.length);
  const todo = [...roots];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (id === leaf) return true;
    if (seen[id] || id < leaf) continue;
    seen[id] = 1;
    todo.push(...g.nodes[id]!.inputs);
  }
  return false;
}

/**
 * Stored values that `u`'s root may overwrite in place: read by this loop only, directly, at the
 * element being computed, with the same shape, and not operands of the heavy kernel hosting the loop.
 */
function donorsFor(g: Graph, sched: Schedule, u: Unit, loop: readonly Unit[], host: NodeId | undefined): number[] {
  if (template(g.nodes[u.root]!).kind !== "map") return [];
  const shape = u.shape;
  const members = new Set(loop.flatMap((x) => x.members));
  const candidates = new Set(u.members.flatMap((m) => dataInputs(g.nodes[m]!)).filter((i) => !members.has(i)));
  return [...candidates].filter((i) => {
    const kind = template(g.nodes[i]!).kind;
    if (!(kind === "map" || kind === "reduce" || kind === "kernel") || !sameShape(g.nodes[i]!.shape, shape)) return false;
    if (host !== undefined && g.nodes[host]!.inputs.some((x) => resolve(g, x) === i)) return false;
    // Every reader in this loop reads it directly at the element.
    return (sched.consumers.get(i) ?? []).every(
      (c) => !members.has(c) || g.nodes[c]!.inputs.every((x) => x !== i || identityRead(g, c, x, shape)),
    );
  });
}
