// nnc's library API. `frontend` reads as the pipeline's first stages, one line per stage:
// parse -> elaborate (shape-checked as built); later stages take the Graph it returns.
import { didYouMean, error, type Diagnostic, type Sources, type Span } from "./diagnostics.js";
import { elaborate, type Override } from "./graph/elaborate.js";
import type { Graph } from "./graph/ir.js";
import type { SourceFile } from "./parser/ast.js";
import { parse, parseExpression } from "./parser/parse.js";
import { readSource } from "./source.js";

export interface FrontendOptions {
  /** Hyperparameter overrides, `name -> .nn expression text` (the CLI's `--set name=value`). */
  readonly set?: Readonly<Record<string, string>>;
}

export interface FrontendResult {
  readonly ast?: SourceFile;
  readonly graphs: readonly Graph[];
  readonly diagnostics: readonly Diagnostic[];
  /** Problems with the options rather than the model (an unknown `--set` name): exit code 2. */
  readonly usageErrors: readonly string[];
  readonly sources: Sources;
}

/** .nn text -> forward graphs, one per model in the file. */
export function frontend(text: string, file: string, options: FrontendOptions = {}): FrontendResult {
  const sources = new Map([[file, text]]);
  const parsed = parse(text, file);
  if (!parsed.ast) return { graphs: [], diagnostics: parsed.diagnostics, usageErrors: [], sources };
  const { overrides, usageErrors } = parseOverrides(parsed.ast, options.set ?? {});
  if (usageErrors.length > 0) return { ast: parsed.ast, graphs: [], diagnostics: parsed.diagnostics, usageErrors, sources };
  const { graphs, diagnostics, usageErrors: badValues } = elaborate(parsed.ast, overrides);
  if (badValues.length > 0) return { ast: parsed.ast, graphs: [], diagnostics: parsed.diagnostics, usageErrors: badValues, sources };
  const noModel = parsed.ast.decls.every((d) => d.kind !== "model")
    ? [error(`no model in ${file}: declare one with 'model Name { ... }'`, startOf(file))]
    : [];
  return { ast: parsed.ast, graphs, diagnostics: [...parsed.diagnostics, ...diagnostics, ...noModel], usageErrors, sources };
}

function startOf(file: string): Span {
  return { file, line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, endOffset: 0 };
}

/** Reads and checks a file; a file that cannot be read is a usage error. */
export function frontendFile(path: string, options: FrontendOptions = {}): FrontendResult {
  const read = readSource(path);
  if (!read.ok) return { graphs: [], diagnostics: [], usageErrors: [read.message], sources: new Map() };
  return frontend(read.text, path, options);
}

function parseOverrides(ast: SourceFile, set: Readonly<Record<string, string>>): { overrides: Override[]; usageErrors: string[] } {
  const known = new Set(ast.decls.filter((d) => d.kind === "model").flatMap((d) => d.formals.map((f) => f.name)));
  const overrides: Override[] = [];
  const usageErrors: string[] = [];
  for (const [name, text] of Object.entries(set)) {
    if (!known.has(name)) {
      const guess = didYouMean(name, known);
      const list = known.size > 0 ? ` (hyperparameters: ${[...known].join(", ")})` : " (the model has no hyperparameters)";
      usageErrors.push(`--set ${name}: no hyperparameter named '${name}'${guess ? `; did you mean '${guess}'?` : list}`);
      continue;
    }
    const parsed = parseExpression(text, `--set ${name}`);
    if (!parsed.expr) {
      usageErrors.push(`--set ${name}=${text}: not a value (${parsed.diagnostics.map((d) => d.message).join("; ")})`);
      continue;
    }
    overrides.push({ name, expr: parsed.expr });
  }
  return { overrides, usageErrors };
}

export { formatDiagnostic, formatDiagnostics, type Diagnostic, type Span } from "./diagnostics.js";
export { parse, parseExpression } from "./parser/parse.js";
export { elaborate } from "./graph/elaborate.js";
export { verifyGraph } from "./graph/verify.js";
export type { Graph, Node, Shape, Dim, ParamSpec, InputSpec } from "./graph/ir.js";
export { differentiate } from "./graph/autodiff.js";
export { evaluate, run } from "./graph/interpret.js";
export { gradcheck } from "./gradcheck.js";
export { compileToString, compileDeclarations, compileModule, load, type CompileOptions, type CompiledModel } from "./codegen/index.js";
export { simplify } from "./graph/simplify.js";
export { numericalDiff, numericalGradient, gradientDescent } from "./numeric.js";
export { interpreted, type Executable, type Params } from "./runtime/executable.js";
export { train, accuracy, DivergedError, type TrainConfig, type TrainResult, type EpochRecord } from "./runtime/train.js";
export { registerOptimizer, createOptimizer, optimizerNames, loadOptimizerModule } from "./runtime/optimizer-registry.js";
export type { Optimizer } from "./runtime/optimizers.js";
export { loadMnist, resolveData, resolveTrainTest, type Dataset } from "./runtime/data/index.js";
export { saveParams, loadParams } from "./runtime/checkpoint.js";
