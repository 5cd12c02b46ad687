// Helpers for tests that start from .nn text.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostics } from "../../src/diagnostics.js";
import type { Graph } from "../../src/graph/ir.js";
import { verifyGraph } from "../../src/graph/verify.js";
import { frontend, type FrontendOptions } from "../../src/index.js";

export const MODELS_DIR = join(import.meta.dirname, "..", "..", "models");

export function modelFiles(): string[] {
  return readdirSync(MODELS_DIR)
    .filter((f) => f.endsWith(".nn"))
    .map((f) => join(MODELS_DIR, f));
}

/**
 * Whether a model is costly for the float64 reference interpreter: its convolutions are plain
 * loops, 10-100 MFLOP per image for the conv nets in models/, so comparing DeepConvNet at batch
 * 100 took minutes. Such models are compared at small batches (the kernels run the same code for
 * any batch: the batch is a loop bound).
 */
export function interpreterHeavy(g: Graph): boolean {
  return g.nodes.some((n) => n.op === "conv2d");
}

/** Elaborates .nn text that must be valid, verifies the graph, and returns its (single) model. */
export function graphOf(text: string, options: FrontendOptions = {}, file = "test.nn"): Graph {
  const r = frontend(text, file, options);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || r.usageErrors.length > 0 || r.graphs.length === 0) {
    throw new Error(`expected a valid model:\n${formatDiagnostics(r.diagnostics, r.sources)}${r.usageErrors.join("\n")}`);
  }
  for (const g of r.graphs) verifyGraph(g);
  return r.graphs[0]!;
}

export function graphOfFile(path: string, options: FrontendOptions = {}): Graph {
  return graphOf(readFileSync(path, "utf8"), options, path);
}

/** The formatted diagnostics of .nn text (errors and warnings), for snapshot-style assertions. */
export function diagnosticsOf(text: string, options: FrontendOptions = {}, file = "test.nn"): string {
  const r = frontend(text, file, options);
  return [...r.usageErrors, formatDiagnostics(r.diagnostics, r.sources)].filter(Boolean).join("\n");
}
