// What a training run shows: on a terminal a progress bar (cli-progress) with the epoch lines
// printed above it; otherwise one plain line per epoch; with --json one JSON object per line.
import cliProgress from "cli-progress";
import type { EpochRecord } from "../runtime/train.js";
import type { Io } from "./io.js";

export interface Progress {
  start(totalSteps: number, firstStep: number, epochs: number): void;
  step(step: number, loss: number, epoch: number): void;
  epoch(record: EpochRecord): void;
  /** A line for a person (not in JSON mode). */
  note(text: string): void;
  stop(): void;
}

const pct = (v: number | undefined) => (v === undefined ? "-" : `${(100 * v).toFixed(2)}%`);

export function epochLine(r: EpochRecord, epochs: number): string {
  const parts = [
    `epoch ${String(r.epoch).padStart(String(epochs).length)}/${epochs}`,
    `step ${r.step}`,
    `loss ${r.loss === undefined ? "-     " : r.loss.toFixed(4)}`,
    `train acc ${pct(r.trainAccuracy)}`,
    ...(r.valAccuracy !== undefined ? [`val acc ${pct(r.valAccuracy)}`] : []),
    ...(r.testAccuracy !== undefined ? [`test acc ${pct(r.testAccuracy)}`] : []),
    `${r.seconds.toFixed(1)} s`,
  ];
  return parts.join("  ");
}

export function createProgress(io: Io, mode: { json: boolean; tty: boolean }): Progress {
  let epochs = 0;
  if (mode.json) {
    return {
      start: (_t, _f, e) => void (epochs = e),
      step: () => {},
      epoch: (r) => io.out(JSON.stringify({ type: "epoch", ...r }) + "\n"),
      note: () => {},
      stop: () => {},
    };
  }
  if (!mode.tty) {
    return {
      start: (_t, _f, e) => void (epochs = e),
      step: () => {},
      epoch: (r) => io.out(epochLine(r, epochs) + "\n"),
      note: (t) => io.out(t + "\n"),
      stop: () => {},
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      format: "epoch {epoch}/{epochs} |{bar}| {value}/{total} steps | loss {loss} | {rate} steps/s | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 10,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  let firstStep = 0;
  return {
    start(total, first, e) {
      epochs = e;
      firstStep = first;
      started = performance.now();
      bar = bars.create(total, first, { epoch: 0, epochs: e, loss: "-", rate: "-" });
    },
    step(step, loss, epoch) {
      const rate = (step - firstStep) / ((performance.now() - started) / 1000);
      bar?.update(step, { loss: loss.toFixed(4), epoch, rate: rate.toFixed(0) });
    },
    epoch: (r) => bars.log(epochLine(r, epochs) + "\n"),
    note: (t) => bars.log(t + "\n"),
    stop: () => bars.stop(),
  };
}
