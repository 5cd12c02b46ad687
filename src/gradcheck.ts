// Gradient checking: the analytic gradient of every param (the autodiff pass, evaluated by the
// reference interpreter in float64) against the central-difference numerical gradient.
import { differentiate } from "./graph/autodiff.js";
import { kinkSides, opOf } from "./graph/ops/index.js";
import type { Graph, NodeId } from "./graph/ir.js";
import { dependencies, evalContext, evalNode, type Feeds } from "./graph/interpret.js";
import { tensor, type Tensor } from "./graph/tensor.js";
import { DEFAULT_H, noiseFloor, numericalPartial, relativeError } from "./numeric.js";
import { initValues } from "./runtime/initializers.js";
import { createRng } from "./runtime/rng.js";

/**
 * The default tolerance on the relative error. In float64 a correct rule typically agrees with
 * the central difference (h = 1e-4) to 1e-8..1e-11, limited by the difference's truncation error
 * h²·f'''/6; a wrong rule is off by far more (usually 1e-2 or worse). 1e-6 separates the two.
 */
export const DEFAULT_TOLERANCE = 1e-6;
export const DEFAULT_BATCH = 8;

export interface GradcheckOptions {
  readonly seed?: number;
  /** Rows in the random batch. Default 8: batch norm over fewer rows is so curved that the
   *  central difference's truncation error nears the tolerance. */
  readonly batch?: number;
  /** Coordinates checked per param, drawn at random. Default 10. */
  readonly samples?: number;
  /** Check every coordinate instead of a sample. */
  readonly all?: boolean;
  readonly h?: number;
  readonly tolerance?: number;
  /** Values to use instead of random inputs or initial params, by name. */
  readonly feeds?: Feeds;
}

export interface Worst {
  readonly index: number;
  readonly coord: readonly number[];
  readonly analytic: number;
  readonly numeric: number;
  readonly relError: number;
}

export interface ParamCheck {
  readonly name: string;
  readonly shape: readonly number[];
  readonly checked: number;
  /** Coordinates passed over because ±h crosses a kink (relu at 0, a max tie). */
  readonly nearKinks: number;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly worst?: Worst;
}

export interface GradcheckResult {
  readonly ok: boolean;
  readonly model: string;
  readonly tolerance: number;
  /** Below this magnitude errors are compared absolutely (see `noiseFloor`). */
  readonly floor: number;
  readonly h: number;
  readonly maxRelError: number;
  readonly maxAbsError: number;
  readonly params: readonly ParamCheck[];
  readonly worst?: Worst & { readonly param: string };
  readonly nearKinks: number;
}

/** Random inputs and valid targets for a model, and its params and state from their initializers. */
export function randomFeeds(g: Graph, options: { batch?: number; seed?: number } = {}): Record<string, Tensor> {
  const batch = options.batch ?? DEFAULT_BATCH;
  const rng = createRng((options.seed ?? 0) + 0x5eed);
  const feeds: Record<string, Tensor> = {};
  for (const spec of g.inputs) {
    const shape = spec.shape.map((d) => (typeof d === "number" ? d : batch));
    const t = tensor(shape);
    if (spec.role === "target" && (spec.encoding === "onehot" || spec.encoding === "index")) {
      const classes = spec.encoding === "onehot" ? shape[1]! : (spec.classes ?? 2);
      for (let r = 0; r < shape[0]!; r++) {
        const c = rng.int(classes);
        if (spec.encoding === "index") t.data[r] = c;
        else t.data[r * classes + c] = 1;
      }
    } else {
      for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
    }
    feeds[spec.name] = t;
  }
  const init = initValues(g, options.seed ?? 0);
  for (const p of [...g.params, ...g.states]) feeds[p.name] = tensor(p.shape, init[p.name]!);
  return feeds;
}

/** Which side of each kink every kinked op is on: if ±h changes it, the difference is invalid. */
function kinkSignature(g: Graph, ids: readonly NodeId[], values: ReadonlyMap<NodeId, Tensor>): string {
  const parts: number[] = [];
  for (const id of ids) {
    const n = g.nodes[id]!;
    const d = kinkSides(
      n,
      n.inputs.map((i) => values.get(i)!),
      values.get(id)!,
    );
    // A loop, not push(...d.data): a feature map's sides outnumber the arguments a call may take.
    if (d) for (const v of d.data) parts.push(v);
  }
  return parts.join(","); // separated: a max pool's side is the index of its window's maximum, not one digit
}

export function gradcheck(forward: Graph, options: GradcheckOptions = {}): GradcheckResult {
  const h = options.h ?? DEFAULT_H;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const seed = options.seed ?? 0;
  const g = differentiate(forward);
  const loss = g.loss!;
  const feeds: Record<string, Tensor> = { ...randomFeeds(g, { batch: options.batch ?? DEFAULT_BATCH, seed }), ...options.feeds };
  // Training mode with a fixed seed: every evaluation sees the same dropout masks.
  const ctx = evalContext(g, feeds, { training: true, seed });
  const base = new Map<NodeId, Tensor>();
  const gradIds = g.grads.map((x) => x.node);
  for (const id of dependencies(g, [loss, ...gradIds])) base.set(id, evalNode(g, id, base, ctx));
  const forwardIds = dependencies(g, [loss]);
  const floor = noiseFloor(base.get(loss)!.data[0]!);
  const rng = createRng(seed + 1);

  const params: ParamCheck[] = g.params.map((p) => {
    const analytic = base.get(g.grads.find((x) => x.name === p.name)!.node)!.data;
    const value = feeds[p.name]!;
    // Only the nodes downstream of this param change when it is nudged.
    const downstream = forwardIds.filter((id) => dependsOn(g, id, p.node));
    const kinked = downstream.filter((id) => opOf(g.nodes[id]!).kinks !== undefined);
    const lossAt = (data: Float64Array): { loss: number; kinks: string } => {
      const values = new Map(base);
      values.set(p.node, { shape: value.shape, data });
      for (const id of downstream) values.set(id, evalNode(g, id, values, ctx));
      return { loss: values.get(loss)!.data[0]!, kinks: kinkSignature(g, kinked, values) };
    };
    const size = value.data.length;
    const order = options.all ? Array.from({ length: size }, (_, i) => i) : shuffled(size, rng);
    const want = options.all ? size : Math.min(options.samples ?? 10, size);
    let checked = 0;
    let nearKinks = 0;
    let maxAbs = 0;
    let worst: Worst | undefined;
    const data = Float64Array.from(value.data);
    // The book's central difference, noting which side of each kink x ± step lies on.
    const central = (i: number, step: number) => {
      const kinks: string[] = [];
      const f = (x: Float64Array) => {
        const r = lossAt(x);
        kinks.push(r.kinks);
        return r.loss;
      };
      return { value: numericalPartial(f, data, i, step), kinked: kinks[0] !== kinks[1] };
    };
    for (const i of order) {
      if (checked >= want) break;
      let step = h;
      let first = central(i, step);
      if (first.kinked) {
        // Large feature maps (a convolution's ReLUs) nearly always hold some unit within h of its
        // kink; at h/100 a hundred times fewer do, and the rounding error, ~ε·|L|/step, stays
        // ~1e-10·|L|, within the floor. Pass over only what still crosses a kink.
        step = h / 100;
        first = central(i, step);
        if (first.kinked) {
          nearKinks++;
          continue;
        }
      }
      const a = analytic[i]!;
      let numeric = first.value;
      let rel = relativeError(a, numeric, floor);
      if (rel > tolerance) {
        // Where curvature is high (batch norm over few rows) the difference's truncation error,
        // h²·f'''/6, can exceed the tolerance; Richardson extrapolation of D(h) and D(h/2)
        // cancels the h² term. A wrong rule stays far from both estimates.
        const half = central(i, step / 2);
        const refined = (4 * half.value - first.value) / 3;
        const relRefined = relativeError(a, refined, floor);
        if (!half.kinked && relRefined < rel) [numeric, rel] = [refined, relRefined];
      }
      maxAbs = Math.max(maxAbs, Math.abs(a - numeric));
      if (!worst || rel > worst.relError || Number.isNaN(rel))
        worst = { index: i, coord: unravel(i, p.shape), analytic: a, numeric, relError: rel };
      checked++;
    }
    return {
      name: p.name,
      shape: p.shape,
      checked,
      nearKinks,
      maxAbsError: maxAbs,
      maxRelError: worst?.relError ?? 0,
      ...(worst && { worst }),
    };
  });

  const worstParam = params.reduce<ParamCheck | undefined>(
    (w, p) => (!w || p.maxRelError > w.maxRelError || Number.isNaN(p.maxRelError) ? p : w),
    undefined,
  );
  const maxRelError = worstParam?.maxRelError ?? 0;
  return {
    ok: params.every((p) => p.maxRelError <= tolerance),
    model: g.model,
    tolerance,
    floor,
    h,
    maxRelError,
    maxAbsError: Math.max(0, ...params.map((p) => p.maxAbsError)),
    params,
    ...(worstParam?.worst && { worst: { ...worstParam.worst, param: worstParam.name } }),
    nearKinks: params.reduce((n, p) => n + p.nearKinks, 0),
  };
}

const dependsMemo = new WeakMap<Graph, Map<NodeId, Uint8Array>>();

/** Whether node `id` depends on node `on` (memoized per graph and `on`). */
function dependsOn(g: Graph, id: NodeId, on: NodeId): boolean {
  let perGraph = dependsMemo.get(g);
  if (!perGraph) dependsMemo.set(g, (perGraph = new Map()));
  let marks = perGraph.get(on);
  if (!marks) {
    marks = new Uint8Array(g.nodes.length);
    marks[on] = 1;
    for (const n of g.nodes) if (n.inputs.some((i) => marks![i])) marks[n.id] = 1;
    perGraph.set(on, marks);
  }
  return marks[id] === 1 && id !== on;
}

function shuffled(n: number, rng: ReturnType<typeof createRng>): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function unravel(index: number, shape: readonly number[]): number[] {
  const coord: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    coord.unshift(index % shape[d]!);
    index = Math.floor(index / shape[d]!);
  }
  return coord;
}
