// The book's experiments by name, in the book's order (chapters 4, 6 and 7).
import { batchnormExperiment } from "./batchnorm.js";
import { convFiltersExperiment } from "./conv-filters.js";
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
  convFiltersExperiment,
];

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}

export { runExperiment, type RunOptions } from "./context.js";
export type { Claim, Experiment, ExperimentContext, ExperimentOutput, RunSummary } from "./types.js";
