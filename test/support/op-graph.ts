// Builds the smallest graph that exercises one op: each differentiable input a param, the others
// fixed inputs, and the loss Σ op(...) ⊙ R with a fixed random R, so every output element
// contributes to the gradient with its own weight.
import { Builder, finishGraph } from "../../src/graph/builder.js";
import type { Graph, InputSpec, ParamSpec } from "../../src/graph/ir.js";
import type { AttrMap, OpKind } from "../../src/graph/ops/attrs.js";
import type { Domain } from "../../src/graph/ops/types.js";
import { tensor, type Tensor } from "../../src/graph/tensor.js";

export const FIXED_DOMAINS: readonly Domain[] = ["probabilities", "classIndex"];

export function opGraph<K extends OpKind>(
  op: K,
  shapes: readonly (readonly number[])[],
  attrs: AttrMap[K],
  domains: readonly Domain[],
): Graph {
  const b = new Builder();
  const inputs: InputSpec[] = [];
  const params: ParamSpec[] = [];
  const ids = shapes.map((shape, i) => {
    const name = `a${i}`;
    if (FIXED_DOMAINS.includes(domains[i]!)) {
      const node = b.leaf("input", { name, role: "target" }, shape);
      inputs.push({ name, node, shape, role: "target" });
      return node;
    }
    const node = b.leaf("param", { name }, shape);
    params.push({ name, node, shape: [...shape], init: { kind: "zeros" }, decay: false });
    return node;
  });
  const out = b.add(op, ids, attrs);
  const outShape = b.shape(out) as number[];
  const r = b.leaf("input", { name: "R", role: "input" }, outShape);
  inputs.push({ name: "R", node: r, shape: outShape, role: "input" });
  const loss = b.sum(
    b.mul(out, r),
    outShape.map((_, i) => i),
  );
  return finishGraph({
    model: op,
    nodes: b.nodes,
    inputs,
    params,
    states: [],
    outputs: [{ name: "out", node: out }],
    loss,
    grads: [],
    hyper: {},
    train: {},
  });
}

/** Values for an input of the given domain, from a source of uniform numbers in [0, 1). */
export function domainValues(domain: Domain, shape: readonly number[], u: () => number, attrs: Record<string, unknown>): Tensor {
  const t = tensor(shape);
  const n = t.data.length;
  switch (domain) {
    case "any":
      for (let i = 0; i < n; i++) t.data[i] = 4 * u() - 2;
      break;
    case "positive":
      for (let i = 0; i < n; i++) t.data[i] = 0.5 + 1.5 * u();
      break;
    case "nonzero":
      for (let i = 0; i < n; i++) t.data[i] = (u() < 0.5 ? -1 : 1) * (0.5 + 1.5 * u());
      break;
    case "awayFromKinks":
      // Magnitudes of at least 0.1 keep relu away from 0; ties between elements are caught by
      // gradcheck's kink detection and passed over.
      for (let i = 0; i < n; i++) t.data[i] = (u() < 0.5 ? -1 : 1) * (0.1 + 1.9 * u());
      break;
    case "probabilities": {
      const cols = shape[shape.length - 1]!;
      for (let r = 0; r < n / cols; r++) t.data[r * cols + Math.floor(u() * cols)] = 1;
      break;
    }
    case "classIndex": {
      const classes = Number(attrs.classes ?? 2);
      for (let i = 0; i < n; i++) t.data[i] = Math.floor(u() * classes);
      break;
    }
  }
  return t;
}
