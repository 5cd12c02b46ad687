// `nnc experiment NAME`: reproduces one of the book's experiments (or `all`), writing its figures
// and results.json to --out/NAME; `--list` names them. A claim of the book that the run does not
// bear out is a result, reported as such, not an error.
import { join } from "node:path";
import { didYouMean } from "../diagnostics.js";
import type { Backend } from "../runtime/backend.js";
import { EXPERIMENTS, findExperiment, runExperiment, type Experiment, type RunSummary } from "../experiments/registry.js";
import { UsageError, type Io } from "./io.js";

export interface ExperimentOptions {
  readonly list?: boolean;
  readonly out?: string;
  readonly seed?: string;
  readonly quick?: boolean;
  readonly backend?: Backend;
  readonly json?: boolean;
}

export const DEFAULT_EXPERIMENTS_OUT = join("runs", "experiments");

export async function experimentCommand(name: string | undefined, opts: ExperimentOptions, io: Io): Promise<number> {
  if (opts.list) {
    if (opts.json) io.out(JSON.stringify(EXPERIMENTS.map((e) => ({ name: e.name, summary: e.summary, book: e.book }))) + "\n");
    else {
      const width = Math.max(...EXPERIMENTS.map((e) => e.name.length));
      for (const e of EXPERIMENTS) io.out(`${e.name.padEnd(width)}  ${e.summary}\n`);
    }
    return 0;
  }
  const names = EXPERIMENTS.map((e) => e.name);
  if (name === undefined) throw new UsageError(`name an experiment (${names.join(", ")}) or 'all'; nnc experiment --list describes them`);
  const chosen: readonly Experiment[] = name === "all" ? EXPERIMENTS : [findExperiment(name) ?? unknown(name, names)];
  const seed = opts.seed === undefined ? 0 : Number(opts.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got '${opts.seed}'`);
  const out = opts.out ?? DEFAULT_EXPERIMENTS_OUT;

  for (const e of chosen) {
    if (!opts.json) io.out(`${e.name}: ${e.summary}${opts.quick ? " (quick)" : ""}\n`);
    const summary = await runExperiment(e, {
      out,
      seed,
      quick: Boolean(opts.quick),
      ...(opts.backend !== undefined && { backend: opts.backend }),
      ...(!opts.json && { log: (line: string) => io.out(`  ${line}\n`) }),
    });
    if (opts.json) io.out(JSON.stringify(brief(summary, out)) + "\n");
    else report(summary, out, io);
  }
  return 0;
}

function unknown(name: string, names: readonly string[]): never {
  const guess = didYouMean(name, names);
  throw new UsageError(
    `no experiment named '${name}'${guess ? `; did you mean '${guess}'?` : ""} (experiments: ${names.join(", ")}, or all)`,
  );
}

function brief(s: RunSummary, out: string) {
  return {
    experiment: s.experiment,
    dir: join(out, s.experiment),
    quick: s.quick,
    seed: s.seed,
    backends: s.backends,
    seconds: s.seconds,
    figures: s.figures,
    claims: s.claims,
  };
}

function report(s: RunSummary, out: string, io: Io): void {
  for (const c of s.claims) io.out(`  ${c.holds ? "agrees" : "differs"}: ${c.claim} (${c.evidence})\n`);
  const files = [...s.figures, "results.json"].join(", ");
  io.out(`  wrote ${join(out, s.experiment)}/{${files}} in ${s.seconds.toFixed(1)} s (${s.backends.join(", ") || "no"} backend)\n`);
}
