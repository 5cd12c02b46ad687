// verifyGraph: every invariant of the IR, checked. Tests run it on every graph they build; a
// failure is a bug in nnc, not in the user's model, so it throws plain Errors.
import { sameShape, showShape, type Graph, type NodeId } from "./ir.js";
import { OPS, shapeOf } from "./ops/index.js";

export function verifyGraph(g: Graph): void {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const exists = (id: NodeId, what: string) =>
    check(Number.isInteger(id) && id >= 0 && id < g.nodes.length, `${what} refers to missing node ${id}`);

  check(Object.isFrozen(g) && Object.isFrozen(g.nodes), "the graph is not frozen");
  g.nodes.forEach((n, i) => {
    check(n.id === i, `node at index ${i} has id ${n.id}`);
    const def = OPS[n.op];
    check(def !== undefined, `node ${i} has unknown op '${n.op}'`);
    if (!def) return;
    check(n.inputs.length === def.arity, `node ${i} (${n.op}) has ${n.inputs.length} inputs, the op takes ${def.arity}`);
    for (const input of n.inputs)
      check(input < i, `node ${i} (${n.op}) uses node ${input}, which does not come before it (cycle or bad order)`);
    check(Array.isArray(n.shape), `node ${i} (${n.op}) has no shape`);
    if (n.inputs.length > 0 && n.inputs.every((x) => x < i)) {
      try {
        const shape = shapeOf(
          n,
          n.inputs.map((x) => g.nodes[x]!.shape),
        );
        check(sameShape(shape, n.shape), `node ${i} (${n.op}) has shape ${showShape(n.shape)}, its rule gives ${showShape(shape)}`);
      } catch (e) {
        problems.push(`node ${i} (${n.op}) fails its shape rule: ${(e as Error).message}`);
      }
    }
  });
  const names = new Set<string>();
  for (const spec of [...g.inputs, ...g.params, ...g.states]) {
    exists(spec.node, spec.name);
    check(!names.has(spec.name), `the name '${spec.name}' is used twice`);
    names.add(spec.name);
    const leaf = g.nodes[spec.node];
    check(leaf !== undefined && sameShape(leaf.shape, spec.shape), `'${spec.name}' and its node differ in shape`);
  }
  for (const s of g.states) exists(s.update, `update of state '${s.name}'`);
  for (const o of g.outputs) exists(o.node, `output '${o.name}'`);
  if (g.loss !== undefined) {
    exists(g.loss, "the loss");
    check(g.nodes[g.loss]?.shape.length === 0, "the loss is not a scalar");
  }
  for (const gr of g.grads) {
    exists(gr.node, `gradient of '${gr.name}'`);
    const p = g.params.find((q) => q.name === gr.name);
    if (p)
      check(
        sameShape(g.nodes[gr.node]!.shape, p.shape),
        `gradient of '${gr.name}' has shape ${showShape(g.nodes[gr.node]!.shape)}, the param ${showShape(p.shape)}`,
      );
  }
  if (problems.length > 0) throw new Error(`invalid graph '${g.model}':\n  ${problems.join("\n  ")}`);
}
