// The graph IR. A Graph is immutable (deep-frozen by immer) and its nodes are stored in
// topological order: a node's inputs always have smaller ids. Node ids are indices into `nodes`
// and stay stable across passes, so passes that only add nodes share the old ones by reference.
import type { Span } from "../diagnostics.js";
import type { AttrMap, OpKind } from "./ops/attrs.js";

/** A dimension: a constant size, or a symbol bound when the graph runs (`batch`). */
export type Dim = number | string;
export type Shape = readonly Dim[];
export type NodeId = number;

export const BATCH = "batch";

/** A node of op K. */
export interface NodeOf<K extends OpKind> {
  readonly id: NodeId;
  readonly op: K;
  readonly inputs: readonly NodeId[];
  readonly attrs: AttrMap[K];
  readonly shape: Shape;
  /** The .nn text this node came from; backward nodes keep their forward node's span. */
  readonly span?: Span;
  /** The hierarchical name of the binding that produced it (`layers.3.h`), for people. */
  readonly label?: string;
  /** Set on nodes that autodiff built: the forward node they differentiate. */
  readonly gradOf?: NodeId;
}

/**
 * A node: for a known op, that op's node; by default the union over every op, correlated, so
 * that `n.op === "input"` narrows `n.attrs` to the input's attributes.
 */
export type Node<K extends OpKind = OpKind> = { [P in K]: NodeOf<P> }[K];

/**
 * A node of a generic op as the union. Sound (NodeOf<K> is one of the union's members), but
 * TypeScript cannot relate the two for an unresolved K: the one place a node is widened.
 */
export function widen<K extends OpKind>(n: NodeOf<K>): Node {
  return n as Node;
}

/** An initializer, resolved: `he` and `xavier` carry the fan-in they were computed from. */
export type Init =
  | { readonly kind: "zeros" }
  | { readonly kind: "ones" }
  | { readonly kind: "constant"; readonly value: number }
  | { readonly kind: "normal"; readonly std: number }
  | { readonly kind: "uniform"; readonly low: number; readonly high: number }
  | { readonly kind: "xavier"; readonly fanIn: number }
  | { readonly kind: "he"; readonly fanIn: number };

export type TargetEncoding = "onehot" | "index" | "real";

export interface InputSpec {
  readonly name: string;
  readonly node: NodeId;
  readonly shape: Shape;
  readonly role: "input" | "target";
  readonly encoding?: TargetEncoding;
  /** For class targets: the number of classes. */
  readonly classes?: number;
}

export interface ParamSpec {
  readonly name: string;
  readonly node: NodeId;
  readonly shape: readonly number[];
  readonly init: Init;
  /** Weight decay applies to weights (rank >= 2), not to biases or batch-norm scales (the book's choice). */
  readonly decay: boolean;
}

export interface StateSpec {
  readonly name: string;
  readonly node: NodeId;
  readonly shape: readonly number[];
  readonly init: Init;
  /** The node that computes this state's next value in a training step. */
  readonly update: NodeId;
}

export interface Named {
  readonly name: string;
  readonly node: NodeId;
}

/** A hyperparameter or training-setting value, as the user sees it. */
export type HyperValue = number | boolean | string;

export interface TrainSettings {
  readonly [name: string]: HyperValue | { readonly name: string; readonly args: Readonly<Record<string, number>> };
}

export interface Graph {
  readonly model: string;
  readonly span?: Span;
  readonly nodes: readonly Node[];
  readonly inputs: readonly InputSpec[];
  readonly params: readonly ParamSpec[];
  readonly states: readonly StateSpec[];
  readonly outputs: readonly Named[];
  readonly loss?: NodeId;
  /** Gradients of the loss, by param name (or any node asked for), once autodiff has run. */
  readonly grads: readonly Named[];
  readonly hyper: Readonly<Record<string, HyperValue>>;
  readonly train: TrainSettings;
}

export function node(g: Graph, id: NodeId): Node {
  const n = g.nodes[id];
  if (n === undefined) throw new Error(`internal: node ${id} does not exist`);
  return n;
}

export function showShape(s: Shape): string {
  return `[${s.join(", ")}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The number of elements, when every dimension is a constant. */
export function staticSize(s: Shape): number | undefined {
  let n = 1;
  for (const d of s) {
    if (typeof d !== "number") return undefined;
    n *= d;
  }
  return n;
}

/** Resolves symbolic dimensions with `dims` (e.g. batch = 100). */
export function concreteShape(s: Shape, dims: ReadonlyMap<string, number>): number[] {
  return s.map((d) => {
    if (typeof d === "number") return d;
    const v = dims.get(d);
    if (v === undefined) throw new Error(`dimension '${d}' is not bound`);
    return v;
  });
}

/**
 * The ids `roots` depend on, in topological (id) order. `inputsOf` chooses which edges count
 * (default: every input; codegen follows data edges only).
 */
export function dependencies(g: Graph, roots: readonly NodeId[], inputsOf: (n: Node) => readonly NodeId[] = (n) => n.inputs): NodeId[] {
  const seen = new Uint8Array(g.nodes.length);
  const todo = [...roots];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (seen[id]) continue;
    seen[id] = 1;
    todo.push(...inputsOf(g.nodes[id]!));
  }
  const out: NodeId[] = [];
  seen.forEach((s, i) => s && out.push(i));
  return out;
}
