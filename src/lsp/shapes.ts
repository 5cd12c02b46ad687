// Shapes for the editor, read from the elaborated graphs: each node carries the span of the .nn
// text it came from and the label of the binding that made it, so an expression's shape is the
// shape of the last node made at its span, once per block instance (`hidden1`, `layers.3`).
import type { Expr } from "../parser/ast.js";
import { dependencies, type Graph, type Node, type ParamSpec, type Shape } from "../graph/ir.js";
import type { NameIndex, NnSymbol } from "./names.js";
import { symbolAt } from "./names.js";

/** One shape an expression has, in one instance of its block (`where`) or in its model. */
export interface ShapeAt {
  readonly where?: string;
  readonly shape: Shape;
  readonly node: Node;
  readonly graph: Graph;
}

export interface ShapeIndex {
  /** Values computed at the span `offset:endOffset`: the last node per label. */
  readonly bySpan: ReadonlyMap<string, readonly ShapeAt[]>;
  /** Inputs, targets and params, by the span of the statement that declares them. */
  readonly leaves: ReadonlyMap<string, readonly ShapeAt[]>;
  /** The value of each top-level binding, by label: what a block call bound to `h` returns. */
  readonly byLabel: ReadonlyMap<string, ShapeAt>;
  readonly params: ReadonlyMap<Node, ParamSpec>;
}

const LEAVES: ReadonlySet<string> = new Set(["param", "state", "input", "const"]);

export function indexShapes(graphs: readonly Graph[]): ShapeIndex {
  const values = new Map<string, Map<string | undefined, ShapeAt>>();
  const leaves = new Map<string, Map<string | undefined, ShapeAt>>();
  const byLabel = new Map<string, ShapeAt>();
  const params = new Map<Node, ParamSpec>();
  for (const graph of graphs) {
    for (const p of graph.params) params.set(graph.nodes[p.node]!, p);
    const updatesOnly = stateUpdatesOnly(graph);
    for (const node of graph.nodes) {
      if (updatesOnly.has(node.id)) continue;
      const at: ShapeAt = { shape: node.shape, node, graph, ...(node.label !== undefined && { where: node.label }) };
      const leaf = LEAVES.has(node.op);
      if (node.span) {
        const table = leaf ? leaves : values;
        const key = spanKey(node.span.offset, node.span.endOffset);
        let perLabel = table.get(key);
        if (!perLabel) table.set(key, (perLabel = new Map()));
        // Nodes are in topological order: the last one made at a span is the expression's value.
        perLabel.set(node.label, at);
      }
      if (node.label !== undefined && !leaf) byLabel.set(node.label, at);
    }
  }
  const flat = (table: Map<string, Map<string | undefined, ShapeAt>>) => new Map([...table].map(([k, v]) => [k, [...v.values()]]));
  return { bySpan: flat(values), leaves: flat(leaves), byLabel, params };
}

/** The entries made from text that ends before `end`: those still mean the same after an edit there. */
export function truncateShapes(index: ShapeIndex, end: number): ShapeIndex {
  const before = (at: ShapeAt) => at.node.span !== undefined && at.node.span.endOffset <= end;
  const keep = (table: ReadonlyMap<string, readonly ShapeAt[]>) =>
    new Map([...table].map(([k, list]) => [k, list.filter(before)] as const).filter(([, list]) => list.length > 0));
  const byLabel = new Map([...index.byLabel].filter(([, at]) => before(at)));
  return { bySpan: keep(index.bySpan), leaves: keep(index.leaves), byLabel, params: index.params };
}

/**
 * Nodes that only compute next values of state (batch norm's running statistics): they share
 * the call's span and label prefix but are not what the expression evaluates to.
 */
function stateUpdatesOnly(g: Graph): Set<number> {
  if (g.states.length === 0) return new Set();
  const roots = [...g.outputs.map((o) => o.node), ...(g.loss !== undefined ? [g.loss] : [])];
  const forward = new Set(dependencies(g, roots));
  return new Set(
    dependencies(
      g,
      g.states.map((st) => st.update),
    ).filter((id) => !forward.has(id)),
  );
}

export function spanKey(offset: number, end: number): string {
  return `${offset}:${end}`;
}

/**
 * The shapes of an expression: its nodes, one per block instance. An instance with no node at
 * the expression's span computed nothing there (`activation(v)` with `identity`, `dropout(v, 0)`,
 * so its value is the argument's: those instances take the argument's shape.
 */
export function shapesOfExpr(e: Expr, shapes: ShapeIndex, names: NameIndex, depth = 0): readonly ShapeAt[] {
  const direct = shapes.bySpan.get(spanKey(e.span.offset, e.span.endOffset)) ?? [];
  if (depth > 50) return direct;
  const inner: Expr[] = [];
  switch (e.kind) {
    case "paren":
      inner.push(e.inner);
      break;
    case "if": {
      // Chosen at compile time: the branch that computed something (one branch per model).
      const then = shapesOfExpr(e.then, shapes, names, depth + 1);
      return then.length > 0 ? then : shapesOfExpr(e.else, shapes, names, depth + 1);
    }
    case "call": {
      const callee = symbolAt(names, e.calleeSpan.offset)?.symbol;
      if (callee?.kind !== "block" && e.args[0]) inner.push(e.args[0].value);
      break;
    }
    case "name": {
      const ref = direct.length === 0 ? symbolAt(names, e.span.offset) : undefined;
      return ref ? shapesOfSymbol(ref.symbol, shapes, names, depth + 1) : direct;
    }
    default:
      break;
  }
  if (inner.length === 0) return direct;
  const covered = new Set(direct.map((s) => s.where));
  const out = [...direct];
  for (const sub of inner) {
    for (const at of shapesOfExpr(sub, shapes, names, depth + 1)) {
      if (covered.has(at.where)) continue;
      covered.add(at.where);
      out.push(at);
    }
  }
  return out;
}

/** The shapes a symbol's value has: inputs, params and bindings (once per block instance). */
export function shapesOfSymbol(s: NnSymbol, shapes: ShapeIndex, names: NameIndex, depth = 0): readonly ShapeAt[] {
  const stmt = s.stmt;
  if (!stmt) return [];
  if (stmt.kind === "input" || stmt.kind === "target" || stmt.kind === "param") {
    return shapes.leaves.get(spanKey(stmt.span.offset, stmt.span.endOffset)) ?? [];
  }
  if ((stmt.kind === "let" || stmt.kind === "output") && stmt.value) {
    const found = shapesOfExpr(stmt.value, shapes, names, depth);
    if (found.length > 0) return found;
    // A block call bound in a model: its nodes sit in the block, labelled with the binding.
    const labelled = s.decl.kind === "model" ? shapes.byLabel.get(s.name) : undefined;
    if (labelled) return [labelled];
    // repeat(n) Block(...): the last copy's value is the binding's.
    if (s.decl.kind === "model" && stmt.value.kind === "repeat") {
      let last: ShapeAt | undefined;
      for (const [label, at] of shapes.byLabel) if (label.startsWith(`${s.name}.`) && (!last || at.node.id > last.node.id)) last = at;
      if (last) return [last];
    }
  }
  return [];
}

/** `[batch, 50]`, or each instance's shape when they differ: `[batch, 300] (hidden1) | ...`. */
export function showShapes(list: readonly ShapeAt[], max = 3): string | undefined {
  const distinct = new Map<string, string[]>();
  for (const at of list) {
    const text = `[${at.shape.join(", ")}]`;
    const wheres = distinct.get(text) ?? [];
    if (at.where !== undefined) wheres.push(at.where);
    distinct.set(text, wheres);
  }
  if (distinct.size === 0) return undefined;
  if (distinct.size === 1) return [...distinct.keys()][0];
  const parts = [...distinct].slice(0, max).map(([shape, wheres]) => (wheres.length > 0 ? `${shape} (${wheres[0]})` : shape));
  return parts.join(" | ") + (distinct.size > max ? " | …" : "");
}

export function paramCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
