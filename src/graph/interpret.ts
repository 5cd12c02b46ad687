// The reference interpreter: evaluates any graph, forward and backward, one op at a time with
// each op's float64 reference implementation. It is the oracle that compiled kernels are tested
// against, so it favours being obviously right over being fast.
import { mixSeed, seedStream, uniform } from "../prelude/random.js";
import { concreteShape, dependencies, type Graph, type NodeId } from "./ir.js";

export { dependencies };
import { evalOp } from "./ops/index.js";
import type { EvalContext } from "./ops/types.js";
import { map, type Tensor } from "./tensor.js";

export interface EvalOptions {
  /** Training mode: dropout draws masks, batch norm uses batch statistics. Default false. */
  readonly training?: boolean;
  /** Seed of the dropout masks (the same seed gives the same masks). Default 0. */
  readonly seed?: number;
  /** 'f32' rounds every intermediate to float32, to model compiled f32 kernels. Default 'f64'. */
  readonly dtype?: "f32" | "f64";
}

/** Values fed by name: inputs and targets, params, state. */
export type Feeds = Readonly<Record<string, Tensor>>;

/**
 * Binds symbolic dimensions (batch) from the shapes of the fed inputs, checking the rest. An
 * input that is not fed (targets, in inference) is an error only if a node needs its value.
 */
export function bindDims(g: Graph, feeds: Feeds): Map<string, number> {
  const dims = new Map<string, number>();
  for (const spec of g.inputs) {
    const t = feeds[spec.name];
    if (!t) continue;
    if (t.shape.length !== spec.shape.length) {
      throw new Error(`${spec.role} '${spec.name}' has shape [${t.shape}], the model declares [${spec.shape}]`);
    }
    spec.shape.forEach((d, i) => {
      const actual = t.shape[i]!;
      if (typeof d === "number") {
        if (d !== actual) throw new Error(`${spec.role} '${spec.name}' has shape [${t.shape}], the model declares [${spec.shape}]`);
      } else if (dims.has(d) && dims.get(d) !== actual) {
        throw new Error(`'${d}' is ${dims.get(d)} for one input and ${actual} for ${spec.role} '${spec.name}'`);
      } else dims.set(d, actual);
    });
  }
  return dims;
}

/** The context ops evaluate in: mode, random streams, bound dimensions, fed leaves. */
export function evalContext(g: Graph, feeds: Feeds, options: EvalOptions = {}): EvalContext {
  const seed = options.seed ?? 0;
  return {
    training: options.training ?? false,
    stream: (seq) => {
      const s = new Uint32Array(4);
      seedStream(s, mixSeed(seed, seq));
      return () => uniform(s);
    },
    dims: bindDims(g, feeds),
    feed: (name) => {
      const t = feeds[name];
      if (!t) throw new Error(`no value fed for '${name}'`);
      return t;
    },
  };
}

/** Evaluates node `id` from the values of its inputs, checking the result's shape. */
export function evalNode(
  g: Graph,
  id: NodeId,
  values: ReadonlyMap<NodeId, Tensor>,
  ctx: EvalContext,
  dtype: "f32" | "f64" = "f64",
): Tensor {
  const n = g.nodes[id]!;
  const inputs = n.inputs.map((i) => values.get(i)!);
  const v = evalOp(n, inputs, ctx);
  const expected = concreteShape(n.shape, ctx.dims);
  if (v.shape.length !== expected.length || v.shape.some((d, i) => d !== expected[i])) {
    throw new Error(`internal: node ${id} (${n.op}) evaluated to shape [${v.shape}], expected [${expected}]`);
  }
  return dtype === "f32" ? map(v, Math.fround) : v;
}

/** Evaluates the nodes `roots` depend on; returns every computed value by node id. */
export function evaluate(g: Graph, feeds: Feeds, roots: readonly NodeId[], options: EvalOptions = {}): Map<NodeId, Tensor> {
  const ctx = evalContext(g, feeds, options);
  const values = new Map<NodeId, Tensor>();
  for (const id of dependencies(g, roots)) values.set(id, evalNode(g, id, values, ctx, options.dtype));
  return values;
}

export interface RunResult {
  readonly outputs: Record<string, Tensor>;
  readonly loss?: number;
  readonly grads: Record<string, Tensor>;
  /** Next values of the state (batch-norm running statistics), in training mode. */
  readonly state: Record<string, Tensor>;
}

/** Evaluates outputs, loss, gradients (if the graph has them) and, in training, state updates. */
export function run(g: Graph, feeds: Feeds, options: EvalOptions = {}): RunResult {
  const training = options.training ?? false;
  const roots = [
    ...g.outputs.map((o) => o.node),
    ...(g.loss !== undefined ? [g.loss] : []),
    ...g.grads.map((x) => x.node),
    ...(training ? g.states.map((s) => s.update) : []),
  ];
  const values = evaluate(g, feeds, roots, options);
  const pick = (list: readonly { name: string; node: NodeId }[]) => Object.fromEntries(list.map((x) => [x.name, values.get(x.node)!]));
  return {
    outputs: pick(g.outputs),
    ...(g.loss !== undefined && { loss: values.get(g.loss)!.data[0]! }),
    grads: pick(g.grads),
    state: training ? pick(g.states.map((s) => ({ name: s.name, node: s.update }))) : {},
  };
}
