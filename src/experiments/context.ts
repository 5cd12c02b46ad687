// Running an experiment: the context it works through (models from models/, executables from
// executableFor, MNIST loaded once, figures written atomically) and results.json at the end.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatDiagnostics, hasErrors } from "../diagnostics.js";
import type { Graph } from "../graph/ir.js";
import { frontendFile } from "../index.js";
import { executableFor, type Backend } from "../runtime/backend.js";
import { loadMnist, type Dataset } from "../runtime/data/index.js";
import { writeFileAtomic } from "../runtime/files.js";
import type { Experiment, ExperimentContext, RunSummary } from "./types.js";

/** The book's networks and the experiments' small models; ../../models from src/ and dist/ alike. */
export const MODELS_DIR = fileURLToPath(new URL("../../models/", import.meta.url));

/** A model that does not elaborate: a bug in the experiment or in models/, not in a user's call. */
export class ExperimentError extends Error {
  override name = "ExperimentError";
}

export interface RunOptions {
  /** The experiments' folder: each writes to out/NAME. */
  readonly out: string;
  readonly seed: number;
  readonly quick: boolean;
  /** The backend for every model (default: executableFor's choice, wasm for f32 and js for f64). */
  readonly backend?: Backend;
  readonly log?: (line: string) => void;
}

let mnistCache: { train: Dataset; test: Dataset } | undefined;

export function loadModel(file: string, set: Readonly<Record<string, string | number | boolean>> = {}): Graph {
  const path = join(MODELS_DIR, file);
  const result = frontendFile(path, { set: Object.fromEntries(Object.entries(set).map(([k, v]) => [k, String(v)])) });
  const problems = [
    ...result.usageErrors,
    ...(hasErrors(result.diagnostics) ? [formatDiagnostics(result.diagnostics, result.sources)] : []),
  ];
  const g = result.graphs[0];
  if (problems.length > 0 || !g) throw new ExperimentError(`models/${file} does not elaborate:\n${problems.join("\n")}`);
  return g;
}

export async function runExperiment(experiment: Experiment, options: RunOptions): Promise<RunSummary> {
  const dir = join(options.out, experiment.name);
  const figures: string[] = [];
  const backends = new Set<Backend>();
  const ctx: ExperimentContext = {
    name: experiment.name,
    dir,
    seed: options.seed,
    quick: options.quick,
    log: (line) => options.log?.(line),
    model: loadModel,
    async executable(g, dtype = "f32") {
      const { exe, backend, note } = await executableFor(g, { dtype, ...(options.backend !== undefined && { backend: options.backend }) });
      if (note !== undefined && !backends.has(backend)) options.log?.(`note: ${note}`);
      backends.add(backend);
      return exe;
    },
    mnist: () => (mnistCache ??= loadMnist()),
    figure(file, svg) {
      writeFileAtomic(join(dir, file), svg);
      if (!figures.includes(file)) figures.push(file);
    },
  };
  const started = performance.now();
  const output = await experiment.run(ctx);
  const summary: RunSummary = {
    experiment: experiment.name,
    book: experiment.book,
    seed: options.seed,
    quick: options.quick,
    backends: [...backends],
    seconds: round((performance.now() - started) / 1000, 3),
    figures,
    ...output,
  };
  writeFileAtomic(join(dir, "results.json"), toJson(summary) + "\n");
  return summary;
}

/** Indented JSON with arrays of plain values (a curve, a point) kept on one line. */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value, roundNumbers, 1);
  return text.replace(/\[\s+([^[\]{}"]*?)\s+\]/g, (_m, inner: string) => `[${inner.split(/,\s+/).join(", ")}]`);
}

/** Ten significant digits: enough for the book's printed numbers (-2.99999994), and a smaller results.json. */
function roundNumbers(_key: string, value: unknown): unknown {
  return typeof value === "number" && Number.isFinite(value) && !Number.isInteger(value) ? Number(value.toPrecision(10)) : value;
}

export function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
