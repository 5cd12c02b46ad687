// Warnings about a model that elaborated fine but probably does not say what was meant:
// bindings never used, params and inputs that reach neither the loss nor an output.
import { warning, type Diagnostic } from "../diagnostics.js";
import { dependencies, type Graph, type NodeId } from "./ir.js";
import { probabilityWarnings } from "./lint-probability.js";
import type { Scope } from "./scope.js";

export function checkModel(g: Graph, scopes: readonly Scope[], switchedOff: ReadonlySet<NodeId> = new Set()): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const scope of scopes) {
    for (const b of scope.bindings()) {
      if (!b.used && b.kind === "let") out.push(warning(`'${b.name}' is never used`, b.span));
    }
  }
  const roots = [...g.outputs.map((o) => o.node), ...(g.loss !== undefined ? [g.loss] : [])];
  const live = new Set(dependencies(g, roots));
  for (const p of g.params) {
    if (!live.has(p.node) && !switchedOff.has(p.node))
      out.push(warning(`param '${p.name}' is used by neither the loss nor an output`, g.nodes[p.node]!.span));
  }
  for (const i of g.inputs) {
    if (!live.has(i.node) && !switchedOff.has(i.node))
      out.push(warning(`${i.role} '${i.name}' is used by neither the loss nor an output`, g.nodes[i.node]!.span));
  }
  out.push(...probabilityWarnings(g));
  return out;
}
