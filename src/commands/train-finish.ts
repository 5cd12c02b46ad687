// The end of `nnc train`: the run's params, metrics and plots written, and the summary printed.
import { join } from "node:path";
import type { Graph } from "../graph/ir.js";
import { saveParams } from "../runtime/checkpoint.js";
import { writeFileAtomic } from "../runtime/files.js";
import type { TrainResult } from "../runtime/train.js";
import type { Io } from "./io.js";
import { writePlots } from "./run-files.js";
import type { RunSettings } from "./train-settings.js";

export interface FinishedRun {
  readonly g: Graph;
  readonly settings: RunSettings;
  readonly run: TrainResult;
  readonly out: string;
  readonly iters: number;
  readonly stepsPerEpoch: number;
  /** Steps this process ran (fewer than iters after --resume), over `seconds` of wall time. */
  readonly stepsRun: number;
  readonly seconds: number;
  readonly json: boolean;
  /** The devices the JAX engine trained on (data-parallel), when it did. */
  readonly devices?: number;
}

export async function finishRun(f: FinishedRun, io: Io): Promise<void> {
  const { g, settings, run, out, stepsPerEpoch } = f;
  const last = run.history.epochs.at(-1)!;
  const best = run.history.epochs.some((e) => e.epoch > 0 && e.valAccuracy !== undefined);
  const metrics = {
    model: g.model,
    trainAccuracy: last.trainAccuracy ?? null,
    testAccuracy: last.testAccuracy ?? null,
    valAccuracy: last.valAccuracy ?? null,
    loss: last.loss ?? null,
    seconds: run.checkpoint.seconds,
    stepsPerSecond: f.stepsRun / f.seconds,
    steps: run.checkpoint.step,
    stepsPerEpoch,
    stoppedEarly: run.stoppedEarly ?? null,
    ...(f.devices !== undefined && { devices: f.devices }),
    epochs: run.history.epochs,
    losses: run.history.losses,
    out,
  };
  saveParams(join(out, "params.safetensors"), g, run.params, { settings: JSON.stringify(settings) });
  writeFileAtomic(join(out, "metrics.json"), JSON.stringify(metrics) + "\n");
  await writePlots(out, g.model, run.history, stepsPerEpoch);
  if (f.json) {
    const { losses: _l, ...final } = metrics;
    io.out(JSON.stringify({ type: "result", ...final }) + "\n");
    return;
  }
  const pct = (v: number | null) => (v === null ? "-" : `${(100 * v).toFixed(2)}%`);
  if (run.stoppedEarly !== undefined)
    io.out(
      `stopped early after epoch ${run.stoppedEarly}: the validation accuracy has not improved for ${settings.patience} epochs (best.safetensors holds the best params)\n`,
    );
  io.out(
    `done in ${metrics.seconds.toFixed(1)} s (${metrics.stepsPerSecond.toFixed(0)} steps/s${f.devices !== undefined ? `, ${f.devices} device${f.devices === 1 ? "" : "s"}` : ""})${metrics.testAccuracy === null && metrics.trainAccuracy === null ? `, loss ${metrics.loss?.toFixed(4) ?? "-"}` : `: test accuracy ${pct(metrics.testAccuracy)}, train accuracy ${pct(metrics.trainAccuracy)}`}\n` +
      `wrote ${out}/: params.safetensors${best ? ", best.safetensors" : ""}, metrics.json, loss.svg, accuracy.svg, model.nn, settings.json\n`,
  );
}
