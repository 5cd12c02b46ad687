// What the parent hands a runner process (as a JSON file) and what the runner hands back.
// bench/peers/numpy_runner.py reads and writes the same shapes.
import type { DataFiles } from "./data.js";
import type { Check, Plan, Timing } from "./protocol.js";
import type { Workload } from "./workloads.js";

export interface Job {
  readonly peer: string;
  readonly dtype: "f32" | "f64";
  readonly workload: Workload;
  readonly files: DataFiles;
  readonly plan: Plan;
  readonly root: string;
  /** Where the runner writes its RunnerResult. */
  readonly result: string;
  /** Where the runner writes the params after the check's steps: float64, laid out as the init file. */
  readonly params: string;
}

export type RunnerResult =
  | {
      readonly status: "ok";
      /** Time to make the peer (compiling, for nnc), in ms. */
      readonly setupMs: number;
      readonly timing: Timing;
      readonly check: Check;
      readonly info: Readonly<Record<string, string>>;
    }
  | { readonly status: "unavailable"; readonly reason: string }
  | { readonly status: "failed"; readonly error: string };
