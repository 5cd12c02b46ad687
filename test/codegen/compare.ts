// Compiled modules against the reference interpreter: the same params, inputs and dropout seed
// through both, and the largest difference of every result, relative to the result's scale.
import { differentiate } from "../../src/graph/autodiff.js";
import { run } from "../../src/graph/interpret.js";
import type { Graph } from "../../src/graph/ir.js";
import { tensor, type Tensor } from "../../src/graph/tensor.js";
import { randomFeeds } from "../../src/gradcheck.js";
import { compileToString, load, type CompiledModel, type CompileOptions } from "../../src/codegen/index.js";
import { expect } from "vitest";

export async function compiled(g: Graph, options: CompileOptions = {}): Promise<CompiledModel> {
  return load(compileToString(g, options));
}

/** The largest magnitude in an array. */
export function magnitude(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]!));
  return m;
}

/**
 * The error of `actual` against `expected`: max |a - e| over max(|e|, floor), where the floor is
 * 1e-3 of the scale (the tensor's largest magnitude, or a larger one given: the largest of all
 * gradients), so entries near zero by cancellation are judged against the scale of the values
 * they were computed from rather than their own.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, scale = 0): number {
  if (actual.length !== expected.length) return Infinity;
  const floor = Math.max(1e-3 * Math.max(scale, magnitude(expected)), 1e-300);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    worst = Math.max(worst, Math.abs(a - e) / Math.max(Math.abs(e), floor));
  }
  return worst;
}

export interface Comparison {
  /** Worst relative error by result: `y`, `loss`, `grad W1`, `state layers.0.bn.running_mean`. */
  readonly errors: Record<string, number>;
  readonly worst: number;
}

/** Random inputs and init params for g (float64, rounded to f32 first when dtype is f32). */
export function feedsFor(g: Graph, dtype: "f32" | "f64", batch = 5, seed = 1): Record<string, Tensor> {
  const feeds = randomFeeds(g, { batch, seed });
  if (dtype === "f64") return feeds;
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, tensor(t.shape, Float32Array.from(t.data))]));
}

/** predict and (when the model has a loss) lossAndGrads, compiled vs interpreted. */
export function compare(g: Graph, model: CompiledModel, feeds: Record<string, Tensor>, dtype: "f32" | "f64", seed = 3): Comparison {
  const Ctor = dtype === "f32" ? Float32Array : Float64Array;
  const params = () => Object.fromEntries([...g.params, ...g.states].map((p) => [p.name, Ctor.from(feeds[p.name]!.data)]));
  const inputs = Object.fromEntries(g.inputs.map((i) => [i.name, Ctor.from(feeds[i.name]!.data)]));
  const errors: Record<string, number> = {};
  const ref = run({ ...g, loss: undefined, grads: [] } as Graph, feeds, { training: false });
  const out = model.predict(params(), inputs);
  for (const o of g.outputs) errors[o.name] = relativeError(out[o.name]!, ref.outputs[o.name]!.data);
  if (g.loss !== undefined) {
    const d = differentiate(g);
    const r = run(d, feeds, { training: true, seed });
    const p = params();
    const { loss, grads } = model.lossAndGrads(p, inputs, { seed });
    errors.loss = relativeError([loss], [r.loss!]);
    const scale = Math.max(0, ...d.grads.map((x) => magnitude(r.grads[x.name]!.data)));
    for (const x of d.grads) errors[`grad ${x.name}`] = relativeError(grads[x.name]!, r.grads[x.name]!.data, scale);
    for (const s of g.states) errors[`state ${s.name}`] = relativeError(p[s.name]!, r.state[s.name]!.data);
  }
  return { errors, worst: Math.max(0, ...Object.values(errors)) };
}

/** compare() on random float32 feeds at each [batch, seed]: every error within `tolerance`. */
export function expectInterpreterNumbers(
  g: Graph,
  model: CompiledModel,
  runs: readonly (readonly [number, number])[],
  tolerance: number,
): void {
  for (const [batch, seed] of runs) {
    const c = compare(g, model, feedsFor(g, "f32", batch, seed), "f32", seed);
    for (const [what, err] of Object.entries(c.errors)) expect(err, `${what} (batch ${batch})`).toBeLessThanOrEqual(tolerance);
  }
}
