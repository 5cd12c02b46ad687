// The book's experiments by name, in the book's order (chapter 4, then chapter 6).
import { batchnormExperiment } from "./batchnorm.js";
import { gradientDescentExperiment } from "./gradient-descent.js";
import { hyperparameterSearchExperiment } from "./hyperparameter-search.js";
import { initActivationsExperiment } from "./init-activations.js";
import { initCompareExperiment } from "./init-compare.js";
import { optimizerCompareExperiment } from "./optimizer-compare.js";
import { optimizerPathsExperiment } from "./optimizer-paths.js";
import { overfittingExperiment } from "./overfitting.js";
import type { Experiment } from "./types.js";

export const EXPERIMENTS: readonly Experiment[] = [
  gradientDescentExperiment,
  optimizerPathsExperiment,
  optimizerCompareExperiment,
  initActivationsExperiment,
  initCompareExperiment,
  batchnormExperiment,
  overfittingExperiment,
  hyperparameterSearchExperiment,
];

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}

export { runExperiment, type RunOptions } from "./context.js";
export type { Claim, Experiment, ExperimentContext, ExperimentOutput, RunSummary } from "./types.js";
