// nnc/testing: property-based gradient tests for users' own models, the same way nnc tests its
// own. Works with any test runner (failures are thrown Errors); needs fast-check installed.
import { existsSync } from "node:fs";
import fc from "fast-check";
import { formatDiagnostics, hasErrors } from "../diagnostics.js";
import type { Graph } from "../graph/ir.js";
import type { Feeds } from "../graph/interpret.js";
import { tensor, type Tensor } from "../graph/tensor.js";
import { gradcheck, randomFeeds, type GradcheckOptions, type GradcheckResult } from "../gradcheck.js";
import { frontend, frontendFile } from "../index.js";
import { formatGradcheck } from "../commands/gradcheck.js";

export { gradcheck, randomFeeds, type GradcheckOptions, type GradcheckResult } from "../gradcheck.js";

export interface ModelOptions {
  /** Hyperparameter overrides, as `--set` takes them: `{ depth: "3" }`. */
  readonly set?: Readonly<Record<string, string>>;
  /** Which model, when the file has several. */
  readonly model?: string;
}

/** A model from a .nn file path or from .nn source text; errors are thrown, formatted. */
export function loadModel(fileOrSource: string | Graph, options: ModelOptions = {}): Graph {
  if (typeof fileOrSource !== "string") return fileOrSource;
  const isFile = /\.nn$/.test(fileOrSource) && existsSync(fileOrSource);
  const r = isFile ? frontendFile(fileOrSource, options) : frontend(fileOrSource, "<source>", options);
  if (r.usageErrors.length > 0 || hasErrors(r.diagnostics)) {
    throw new Error([...r.usageErrors, formatDiagnostics(r.diagnostics, r.sources)].filter(Boolean).join("\n"));
  }
  const g = options.model ? r.graphs.find((x) => x.model === options.model) : r.graphs[0];
  if (!g) throw new Error(options.model ? `no model named '${options.model}'` : `no model found`);
  return g;
}

/** Checks a model's gradients against numerical ones; throws with the report when they differ. */
export function expectGradientsMatch(model: string | Graph, options: GradcheckOptions & ModelOptions = {}): GradcheckResult {
  const g = loadModel(model, options);
  const r = gradcheck(g, options);
  if (!r.ok)
    throw new Error(
      `gradients of ${g.model} do not match their numerical values:\n${formatGradcheck(r, options.batch ?? 8, options.seed ?? 0)}`,
    );
  return r;
}

export interface FeedsOptions {
  /** Rows in the batch. Default 4. */
  readonly batch?: number;
  /** Inputs and params are drawn from [-scale, scale]. Default 2. */
  readonly scale?: number;
}

/**
 * A fast-check arbitrary of everything a model is fed: inputs, valid targets (one-hot rows or
 * class indices), params and state. State (batch-norm running variance) stays positive.
 */
export function feedsArbitrary(model: string | Graph, options: FeedsOptions & ModelOptions = {}): fc.Arbitrary<Feeds> {
  const g = loadModel(model, options);
  const base = randomFeeds(g, { batch: options.batch ?? 4 });
  const scale = options.scale ?? 2;
  const entries = Object.entries(base).map(([name, t]): fc.Arbitrary<[string, Tensor]> => {
    const spec = g.inputs.find((i) => i.name === name);
    const n = t.data.length;
    if (spec?.role === "target" && (spec.encoding === "onehot" || spec.encoding === "index")) {
      const classes = spec.encoding === "onehot" ? (t.shape[1] as number) : (spec.classes ?? 2);
      return fc.array(fc.nat(classes - 1), { minLength: t.shape[0]!, maxLength: t.shape[0]! }).map((labels) => {
        const out = tensor(t.shape);
        labels.forEach((c, r) => (spec.encoding === "index" ? (out.data[r] = c) : (out.data[r * classes + c] = 1)));
        return [name, out];
      });
    }
    const positive = g.states.some((s) => s.name === name && s.init.kind === "ones");
    const value = fc.double({ min: positive ? 0.1 : -scale, max: scale, noNaN: true });
    return fc.array(value, { minLength: n, maxLength: n }).map((xs) => [name, tensor(t.shape, xs)]);
  });
  return fc.tuple(...entries).map((kv) => Object.fromEntries(kv));
}

/** fast-check property: the gradients match for any values `feedsArbitrary` draws. */
export function checkGradients(
  model: string | Graph,
  options: GradcheckOptions & FeedsOptions & ModelOptions & { numRuns?: number } = {},
): void {
  const g = loadModel(model, options);
  fc.assert(
    fc.property(feedsArbitrary(g, options), (feeds) => {
      expectGradientsMatch(g, { ...options, feeds });
    }),
    { numRuns: options.numRuns ?? 20, ...(options.seed !== undefined && { seed: options.seed }) },
  );
}
