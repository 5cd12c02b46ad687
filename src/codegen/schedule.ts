// Fusion and order: which nodes share a loop, and in which order kernels run.
//   1. An elementwise node with one consumer, read element for element, is inlined into that
//      consumer: it becomes a local in the consumer's loop and never touches memory.
//   2. What remains are units: clusters (a map or reduce root with its inlined producers),
//      heavy kernels (kernels/). They are list-scheduled in dependency order, preferring a unit
//      that can join the open loop (same iteration shape, its inputs complete or computed by the
//      loop itself at the same element). A loop opened right after a heavy kernel that fuses
//      epilogues (matmul) and reads its output becomes its epilogue (bias add + activation in
//      its output loop).
import { sameShape, type Graph, type Node, type NodeId, type Shape } from "../graph/ir.js";
import { OPS } from "../graph/ops/index.js";
import type { KernelTemplate } from "../graph/ops/types.js";
import { isHeavy, pluginOf } from "./kernels/index.js";

export function template(n: Node): KernelTemplate<never> {
  return OPS[n.op].kernel as KernelTemplate<never>;
}

/** The inputs whose values a node reads (not those that only give it a shape). */
export function dataInputs(n: Node): readonly NodeId[] {
  const t = template(n);
  if (t.kind === "size" || (t.kind === "map" && t.readsInputs === false)) return [];
  return n.inputs;
}

/** Follows views (reshape, stop_gradient) to the node that holds the data. */
export function resolve(g: Graph, id: NodeId): NodeId {
  let n = g.nodes[id]!;
  while (template(n).kind === "view") n = g.nodes[n.inputs[0]!]!;
  return n.id;
}

export interface Unit {
  readonly index: number;
  readonly kind: "cluster" | "kernel" | "copy";
  readonly root: NodeId;
  /** Cluster members in topological order, the root last; [root] for the others; [] for copies. */
  readonly members: readonly NodeId[];
  /** The loop's iteration shape (a reduction iterates over its input). */
  readonly shape: Shape;
  /** Units whose results this one reads. */
  readonly producers: readonly number[];
}

export type Scheduled =
  | { readonly kind: "loop"; readonly units: readonly Unit[] }
  /** A heavy kernel (src/codegen/kernels/), with the elementwise units fused as its epilogue. */
  | { readonly kind: "kernel"; readonly unit: Unit; readonly epilogue: readonly Unit[] };

export interface Schedule {
  readonly kernels: readonly Scheduled[];
  readonly units: readonly Unit[];
  /** Nodes inlined into their consumer's loop. */
  readonly inlined: ReadonlySet<NodeId>;
  /** Nodes read through a view: they must be stored. */
  readonly viewed: ReadonlySet<NodeId>;
  /** Readers of each (resolved) node. */
  readonly consumers: ReadonlyMap<NodeId, readonly NodeId[]>;
  readonly unitOf: ReadonlyMap<NodeId, Unit>;
}

/** True when `consumer` reads `input` at the element it is computing, in a loop over `shape`. */
export function identityRead(g: Graph, consumer: NodeId, input: NodeId, shape: Shape): boolean {
  const c = g.nodes[consumer]!;
  const t = template(c);
  if (t.kind === "reduce") return true;
  return t.kind === "map" && t.permute === undefined && sameShape(g.nodes[input]!.shape, shape);
}

/** `copied`: results computed in a float64 buffer of their own and then copied out (f32 reductions). */
export function schedule(
  g: Graph,
  needed: readonly NodeId[],
  results: ReadonlySet<NodeId>,
  copied: (id: NodeId) => boolean = () => false,
): Schedule {
  // S1: readers of every value, seen through views.
  const consumers = new Map<NodeId, NodeId[]>();
  const viewed = new Set<NodeId>();
  for (const id of needed) {
    const n = g.nodes[id]!;
    if (template(n).kind === "view") continue;
    for (const i of dataInputs(n)) {
      const r = resolve(g, i);
      if (r !== i) viewed.add(r);
      const list = consumers.get(r) ?? [];
      if (!list.includes(id)) list.push(id);
      consumers.set(r, list);
    }
  }
  // A result that is a view (a reshaped gradient) is copied out of the node it views.
  for (const id of results) if (resolve(g, id) !== id) viewed.add(resolve(g, id));
  // S2: inline single-consumer elementwise nodes into their consumer's loop.
  const inlined = new Set<NodeId>();
  for (const id of needed) {
    const n = g.nodes[id]!;
    if (template(n).kind !== "map" || results.has(id) || viewed.has(id)) continue;
    const cs = consumers.get(id) ?? [];
    if (cs.length !== 1) continue;
    const c = g.nodes[cs[0]!]!;
    const kind = template(c).kind;
    const shape = kind === "reduce" ? g.nodes[c.inputs[0]!]!.shape : c.shape;
    if ((kind === "map" || kind === "reduce") && sameShape(n.shape, shape) && identityRead(g, c.id, id, shape)) inlined.add(id);
  }
  // S3: units.
  const units: Unit[] = [];
  const unitOf = new Map<NodeId, Unit>();
  const membersOf = (root: NodeId): NodeId[] => {
    const out: NodeId[] = [];
    const visit = (id: NodeId) => {
      if (out.includes(id)) return;
      for (const i of dataInputs(g.nodes[id]!)) if (inlined.has(i)) visit(i);
      out.push(id);
    };
    visit(root);
    return out;
  };
  const pending: { kind: Unit["kind"]; root: NodeId; members: NodeId[]; shape: Shape }[] = [];
  for (const id of needed) {
    const n = g.nodes[id]!;
    const kind = template(n).kind;
    if (kind === "map" && !inlined.has(id)) pending.push({ kind: "cluster", root: id, members: membersOf(id), shape: n.shape });
    else if (kind === "reduce") pending.push({ kind: "cluster", root: id, members: membersOf(id), shape: g.nodes[n.inputs[0]!]!.shape });
    else if (kind === "kernel") pending.push({ kind, root: id, members: [id], shape: n.shape });
  }
  // Results held by no kernel of their own (a param, a constant, a view) are copied out.
  for (const id of results) {
    const kind = template(g.nodes[id]!).kind;
    if (kind === "leaf" || kind === "const" || kind === "size" || kind === "view" || copied(id))
      pending.push({ kind: "copy", root: id, members: [], shape: g.nodes[id]!.shape });
  }
  for (const p of pending) {
    const unit: Unit = { ...p, index: units.length, producers: [] };
    units.push(unit);
    if (p.kind !== "copy") unitOf.set(p.root, unit);
  }
  for (const u of units) {
    const reads = u.kind === "copy" ? [u.root] : u.members.flatMap((m) => dataInputs(g.nodes[m]!).filter((i) => !u.members.includes(i)));
    const producers = new Set<number>();
    for (const i of reads) {
      const p = unitOf.get(resolve(g, i));
      if (p && p !== u) producers.add(p.index);
    }
    (u as { producers: readonly number[] }).producers = [...producers];
  }
  return { kernels: order(g, units), units, inlined, viewed, consumers, unitOf };
}

/** S4: list scheduling with loop fusion. */
function order(g: Graph, units: readonly Unit[]): Scheduled[] {
  const kernels: Scheduled[] = [];
  const done = new Set<number>();
  let open: { units: Unit[]; members: Set<number>; shape: Shape; host?: Unit } | undefined;
  /** The last heavy kernel placed, when it fuses epilogues: the next loop may become one. */
  let lastHost: Unit | undefined;

  /** Every read of `p`'s root by `u` is at the element `u` computes (and not through a view). */
  const readsAtElement = (u: Unit, p: Unit, shape: Shape): boolean =>
    u.kind !== "copy" &&
    u.members.every((m) =>
      dataInputs(g.nodes[m]!).every((i) => resolve(g, i) !== p.root || (i === p.root && identityRead(g, m, i, shape))),
    );
  const canJoin = (u: Unit): boolean => {
    if (!open || (u.kind !== "cluster" && u.kind !== "copy") || !sameShape(u.shape, open.shape)) return false;
    return u.producers.every((pi) => {
      const p = units[pi]!;
      if (done.has(pi)) return p !== open!.host || readsAtElement(u, p, open!.shape);
      return open!.members.has(pi) && template(g.nodes[p.root]!).kind === "map" && readsAtElement(u, p, open!.shape);
    });
  };
  const close = () => {
    if (!open) return;
    for (const u of open.units) done.add(u.index);
    const last = kernels[kernels.length - 1];
    if (open.host && last?.kind === "kernel" && last.unit === open.host) kernels[kernels.length - 1] = { ...last, epilogue: open.units };
    else kernels.push({ kind: "loop", units: open.units });
    open = undefined;
  };

  // `available`: units whose producers are all placed (done, or in the open loop); kept
  // incrementally so each step looks at the frontier only, not at every unit.
  const readers = units.map((): number[] => []);
  const missing = units.map((u) => u.producers.length);
  for (const u of units) for (const p of u.producers) readers[p]!.push(u.index);
  const available = new Set(units.filter((u) => u.producers.length === 0).map((u) => u.index));
  const place = (u: Unit) => {
    available.delete(u.index);
    for (const r of readers[u.index]!) if (--missing[r]! === 0) available.add(r);
  };
  const first = (ok: (u: Unit) => boolean): Unit | undefined => {
    let best: Unit | undefined;
    for (const i of available) if ((!best || i < best.index) && ok(units[i]!)) best = units[i]!;
    return best;
  };

  for (let placed = 0; placed < units.length; placed++) {
    const joining = first(canJoin);
    if (joining) {
      open!.units.push(joining);
      open!.members.add(joining.index);
      place(joining);
      continue;
    }
    close();
    // Now every available unit is ready: its producers are all done.
    const host = lastHost;
    const epilogue =
      host &&
      first(
        (u) =>
          u.kind === "cluster" && sameShape(u.shape, host.shape) && u.producers.includes(host.index) && readsAtElement(u, host, host.shape),
      );
    const next = epilogue ?? first(() => true);
    if (!next) throw new Error("internal: the kernel schedule is stuck (a cycle?)");
    place(next);
    lastHost = undefined;
    if (next.kind === "cluster" || next.kind === "copy")
      open = { units: [next], members: new Set([next.index]), shape: next.shape, ...(epilogue && { host }) };
    else {
      kernels.push({ kind: "kernel", unit: next, epilogue: [] });
      done.add(next.index);
      const n = g.nodes[next.root]!;
      if (isHeavy(n) && pluginOf(n.op).fusesEpilogue) lastHost = next;
    }
  }
  close();
  return kernels;
}
