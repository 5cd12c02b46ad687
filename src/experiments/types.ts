// What an experiment is: a named reproduction of one of the book's figures. It runs `.nn` models
// from models/ through the library (frontend, executableFor, train, optimizers), writes its
// figures as SVG and returns its numbers, which the runner writes to results.json.
import type { Graph } from "../graph/ir.js";
import type { Backend } from "../runtime/backend.js";
import type { Dataset } from "../runtime/data/index.js";
import type { Executable } from "../runtime/executable.js";

export interface Experiment {
  readonly name: string;
  /** One line for `nnc experiment --list`. */
  readonly summary: string;
  /** Where in the book: chapter, section and script. */
  readonly book: string;
  run(ctx: ExperimentContext): Promise<ExperimentOutput>;
}

/** A claim of the book, checked on this run's numbers. */
export interface Claim {
  readonly claim: string;
  readonly holds: boolean;
  /** The numbers behind the verdict. */
  readonly evidence: string;
}

export interface ExperimentOutput {
  /** The settings the run used (the book's, or the --quick ones). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The numbers: curves, final values, whatever the figures show. */
  readonly results: Readonly<Record<string, unknown>>;
  readonly claims: readonly Claim[];
}

export interface ExperimentContext {
  readonly name: string;
  /** DIR/NAME: where the figures and results.json go. */
  readonly dir: string;
  readonly seed: number;
  readonly quick: boolean;
  /** A progress line for a person (not part of the results). */
  log(line: string): void;
  /** A model from models/, with hyperparameter overrides (the CLI's --set); throws on errors. */
  model(file: string, set?: Readonly<Record<string, string | number | boolean>>): Graph;
  /** The fastest Executable the library has for the graph (executableFor). */
  executable(g: Graph, dtype?: "f32" | "f64"): Promise<Executable>;
  /** MNIST's 60,000 training and 10,000 test images, loaded once per process. */
  mnist(): { readonly train: Dataset; readonly test: Dataset };
  /** Writes DIR/NAME/`file` (an .svg) and remembers it for results.json. */
  figure(file: string, svg: string): void;
}

export interface RunSummary extends ExperimentOutput {
  readonly experiment: string;
  readonly book: string;
  readonly seed: number;
  readonly quick: boolean;
  /** The backends the run's executables used. */
  readonly backends: readonly Backend[];
  readonly seconds: number;
  readonly figures: readonly string[];
}
