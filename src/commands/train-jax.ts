// `nnc train --engine jax`: which settings the JAX engine takes, and the Python that runs it.
// Whatever it cannot honour is a usage error naming the setting, never silently ignored.
import { findPythonWithJax, type PythonWithJax } from "../runtime/python.js";
import { jaxUnsupported } from "../runtime/jax-engine.js";
import { UsageError } from "./io.js";
import type { RunSettings } from "./train-settings.js";

export interface EngineFlags {
  readonly engine?: string;
  readonly backend?: string;
  readonly resume?: boolean;
  readonly optimizer?: string;
}

/** undefined for nnc's own engine; for --engine jax, the Python with jax (or a usage error). */
export function jaxEngine(opts: EngineFlags, settings: RunSettings): PythonWithJax | undefined {
  const engine = opts.engine ?? "nnc";
  if (engine !== "nnc" && engine !== "jax") throw new UsageError(`--engine must be nnc or jax, got '${engine}'`);
  if (engine === "nnc") return undefined;
  if (opts.backend !== undefined)
    throw new UsageError(`--backend chooses nnc's kernels; with --engine jax, XLA compiles the step (drop --backend)`);
  if (opts.resume) throw new UsageError(`--resume continues from nnc's checkpoints, which the JAX engine does not write`);
  if (opts.optimizer && /[/\\]|\.m?js$/.test(opts.optimizer))
    throw new UsageError(`--engine jax cannot run an optimizer written in JavaScript (${opts.optimizer}); use a built-in one`);
  const unsupported = jaxUnsupported(settings);
  if (unsupported) throw new UsageError(unsupported);
  const found = findPythonWithJax();
  if ("missing" in found) throw new UsageError(`--engine jax: ${found.missing}`);
  return found;
}
