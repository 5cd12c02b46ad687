// The one way nodes are made. `add` runs the op's shape rule on the spot, so every graph,
// backward graphs included, is shape-checked as it is built, and a bad shape becomes a
// diagnostic at the .nn span that asked for it. Identical nodes are shared (hash-consing), which
// is common-subexpression elimination for free.
import { freeze } from "immer";
import { fail, type Note, type Span } from "../diagnostics.js";
import { widen, type Dim, type Graph, type Node, type NodeId, type Shape } from "./ir.js";
import type { AttrMap, OpKind } from "./ops/attrs.js";
import { OPS } from "./ops/index.js";
import { ShapeError } from "./ops/types.js";

export interface Provenance {
  span?: Span;
  label?: string;
  gradOf?: NodeId;
}

export class Builder {
  readonly nodes: Node[];
  private readonly memo = new Map<string, NodeId>();
  /** Applied to every node added until changed. */
  at: Provenance = {};
  /**
   * Shown under a shape error: the chain of block instantiations under way. Asked for only when
   * an error is raised (formatting it for every expression was a tenth of elaboration).
   */
  notes: () => readonly Note[] = () => [];

  constructor(base: readonly Node[] = []) {
    this.nodes = [...base];
    for (const n of base) this.memo.set(key(n.op, n.inputs, n.attrs), n.id);
  }

  node(id: NodeId): Node {
    const n = this.nodes[id];
    if (n === undefined) throw new Error(`internal: node ${id} does not exist`);
    return n;
  }

  shape(id: NodeId): Shape {
    return this.node(id).shape;
  }

  add<K extends OpKind>(op: K, inputs: readonly NodeId[], attrs: AttrMap[K]): NodeId {
    const def = OPS[op];
    if (inputs.length !== def.arity) throw new Error(`internal: ${op} takes ${def.arity} inputs, got ${inputs.length}`);
    const k = key(op, inputs, attrs);
    const existing = this.memo.get(k);
    if (existing !== undefined) return existing;
    let shape: Shape;
    try {
      shape = def.shape(
        inputs.map((i) => this.shape(i)),
        attrs,
      );
    } catch (e) {
      if (e instanceof ShapeError) fail(e.message, this.at.span, this.notes());
      throw e;
    }
    const id = this.nodes.length;
    const { span, label, gradOf } = this.at;
    const n: Node<K> = {
      id,
      op,
      inputs: [...inputs],
      attrs,
      shape,
      ...(span && { span }),
      ...(label !== undefined && { label }),
      ...(gradOf !== undefined && { gradOf }),
    };
    this.nodes.push(sealed(widen(n)));
    this.memo.set(k, id);
    return id;
  }

  /** A leaf (input, param, state) with its declared shape. */
  leaf<K extends "input" | "param" | "state">(op: K, attrs: AttrMap[K], shape: Shape): NodeId {
    const id = this.nodes.length;
    const { span, label } = this.at;
    const n: Node<K> = { id, op, inputs: [], attrs, shape, ...(span && { span }), ...(label !== undefined && { label }) };
    this.nodes.push(sealed(widen(n)));
    return id;
  }

  /** Runs `f` with extra provenance, restoring the previous one afterwards. */
  with<T>(p: Provenance, f: () => T): T {
    const saved = this.at;
    // Spelled out rather than spread: spreads of provenances of varying shapes were a hot spot.
    this.at = {
      span: p.span ?? saved.span,
      label: p.label ?? saved.label,
      gradOf: p.gradOf ?? saved.gradOf,
    };
    try {
      return f();
    } finally {
      this.at = saved;
    }
  }

  // Sugar for gradient rules and desugaring. Identities (x*1, x+0) are folded here so that
  // backward graphs stay small and readable.

  const(value: number): NodeId {
    return this.add("const", [], { value });
  }
  constValue(id: NodeId): number | undefined {
    const n = this.node(id);
    return n.op === "const" ? n.attrs.value : undefined;
  }
  neg(x: NodeId): NodeId {
    return this.add("neg", [x], {});
  }
  exp(x: NodeId): NodeId {
    return this.add("exp", [x], {});
  }
  log(x: NodeId): NodeId {
    return this.add("log", [x], {});
  }
  sqrt(x: NodeId): NodeId {
    return this.add("sqrt", [x], {});
  }
  add2(a: NodeId, b: NodeId): NodeId {
    if (this.constValue(b) === 0 && this.broadcastsTo(b, a)) return a;
    if (this.constValue(a) === 0 && this.broadcastsTo(a, b)) return b;
    return this.add("add", [a, b], {});
  }
  sub(a: NodeId, b: NodeId): NodeId {
    if (this.constValue(b) === 0 && this.broadcastsTo(b, a)) return a;
    return this.add("sub", [a, b], {});
  }
  mul(a: NodeId, b: NodeId): NodeId {
    if (this.constValue(b) === 1 && this.broadcastsTo(b, a)) return a;
    if (this.constValue(a) === 1 && this.broadcastsTo(a, b)) return b;
    return this.add("mul", [a, b], {});
  }
  div(a: NodeId, b: NodeId): NodeId {
    if (this.constValue(b) === 1 && this.broadcastsTo(b, a)) return a;
    return this.add("div", [a, b], {});
  }
  pow(a: NodeId, b: NodeId): NodeId {
    return this.add("pow", [a, b], {});
  }
  ge(a: NodeId, b: NodeId): NodeId {
    return this.add("ge", [a, b], {});
  }
  sum(x: NodeId, axes: readonly number[], keepdims = false): NodeId {
    if (axes.length === 0) return x;
    return this.add("sum", [x], { axes: [...axes].sort((p, q) => p - q), keepdims });
  }
  count(x: NodeId, axes: readonly number[]): NodeId {
    return this.add("count", [x], { axes: [...axes].sort((p, q) => p - q) });
  }
  /** The mean over `axes`: a sum divided by the (possibly symbolic) number of elements. */
  mean(x: NodeId, axes: readonly number[], keepdims = false): NodeId {
    return this.div(this.sum(x, axes, keepdims), this.count(x, axes));
  }
  reshape(x: NodeId, shape: readonly Dim[]): NodeId {
    const s = this.shape(x);
    if (s.length === shape.length && s.every((d, i) => d === shape[i])) return x;
    return this.add("reshape", [x], { shape: [...shape] });
  }
  transpose(x: NodeId, perm: readonly number[]): NodeId {
    if (perm.every((p, i) => p === i)) return x;
    return this.add("transpose", [x], { perm: [...perm] });
  }
  broadcast(x: NodeId, shape: readonly Dim[]): NodeId {
    const s = this.shape(x);
    if (s.length === shape.length && s.every((d, i) => d === shape[i])) return x;
    return this.add("broadcast", [x], { shape: [...shape] });
  }
  matmul(a: NodeId, b: NodeId, transA = false, transB = false): NodeId {
    return this.add("matmul", [a, b], { transA, transB });
  }
  stopGradient(x: NodeId): NodeId {
    return this.add("stop_gradient", [x], {});
  }

  /** True when `a`'s shape broadcasts to `b`'s without changing `b`'s shape. */
  private broadcastsTo(a: NodeId, b: NodeId): boolean {
    const sa = this.shape(a);
    const sb = this.shape(b);
    if (sa.length > sb.length) return false;
    return sa.every((d, i) => d === 1 || d === sb[sb.length - sa.length + i]);
  }
}

function key(op: OpKind, inputs: readonly NodeId[], attrs: object): string {
  return `${op}(${inputs.join(",")})${JSON.stringify(attrs)}`;
}

/**
 * Freezes a node as it is made. A graph's nodes are then already frozen when the graph is
 * finished, so `finishGraph`'s deep freeze stops at each of them instead of walking every
 * node's fields again after each pass (it was a tenth of elaborating a 1,000-layer model).
 */
function sealed(n: Node): Node {
  Object.freeze(n.inputs);
  Object.freeze(n.shape);
  freezeData(n.attrs);
  if (n.span) Object.freeze(n.span);
  return Object.freeze(n);
}

/** Deep-freezes plain data (attrs: numbers, strings, arrays, small records). */
function freezeData(x: unknown): void {
  if (typeof x !== "object" || x === null || Object.isFrozen(x)) return;
  Object.freeze(x);
  for (const v of Object.values(x)) freezeData(v);
}

/** Freezes a finished graph (deeply, with immer) so no pass can mutate it. */
export function finishGraph(g: Graph): Graph {
  return freeze(g, true);
}
