// Training runs for the MNIST experiments: the library's train() with progress lines, a run that
// diverges kept as a result (the book's bad initializations blow up; that is what its figures
// show), and the book's smooth_curve for loss plots.
import type { Graph } from "../graph/ir.js";
import type { Executable, Params } from "../runtime/executable.js";
import { accuracy, DivergedError, train, type EpochRecord, type TrainConfig, type TrainData } from "../runtime/train.js";
import type { Dataset } from "../runtime/data/index.js";
import type { XY } from "./charts.js";
import type { ExperimentContext } from "./types.js";

export interface Run {
  /** The loss of every step's batch (up to the divergence, if any). */
  readonly losses: readonly number[];
  readonly epochs: readonly EpochRecord[];
  readonly stepsPerEpoch: number;
  readonly params: Params;
  /** The step at which the loss became NaN or exploded; training stopped there. */
  readonly divergedAt?: number;
  readonly seconds: number;
}

export interface RunOptions {
  /** For progress lines: "adam", "W: 0.01 with batch norm". */
  readonly label: string;
  /** A progress line every this many steps (default: at the end only). */
  readonly logEvery?: number;
}

export function trainRun(
  ctx: ExperimentContext,
  g: Graph,
  exe: Executable,
  data: TrainData,
  config: TrainConfig,
  options: RunOptions,
): Run {
  const losses: number[] = [];
  const epochs: EpochRecord[] = [];
  const started = performance.now();
  const every = options.logEvery ?? 0;
  let divergedAt: number | undefined;
  let result: ReturnType<typeof train> | undefined;
  try {
    result = train(g, exe, data, config, {
      onStep(step, loss) {
        losses.push(loss);
        if (every > 0 && step % every === 0) ctx.log(`${options.label}: step ${step}/${config.iters}, loss ${loss.toFixed(4)}`);
      },
      onEpoch: (record) => void epochs.push(record),
    });
  } catch (e) {
    if (!(e instanceof DivergedError)) throw e;
    divergedAt = e.step;
    ctx.log(`${options.label}: diverged at step ${e.step} (${e.message.split(":")[0]})`);
  }
  const seconds = (performance.now() - started) / 1000;
  const last = epochs.at(-1);
  const accs = last
    ? [
        ["train", last.trainAccuracy],
        ["val", last.valAccuracy],
        ["test", last.testAccuracy],
      ].filter(([, v]) => v !== undefined)
    : [];
  ctx.log(
    `${options.label}: ${losses.length} steps in ${seconds.toFixed(1)} s, last loss ${losses.at(-1)?.toFixed(4) ?? "-"}${accs.map(([k, v]) => `, ${k} ${(v as number).toFixed(3)}`).join("")}`,
  );
  const stepsPerEpoch = result?.stepsPerEpoch ?? Math.max(1, Math.floor(data.train.rows / Math.min(config.batchSize, data.train.rows)));
  return { losses, epochs, stepsPerEpoch, params: result?.params ?? {}, ...(divergedAt !== undefined && { divergedAt }), seconds };
}

/** Test accuracy of a finished run (undefined for a run that diverged). */
export function testAccuracy(g: Graph, exe: Executable, run: Run, test: Dataset): number | undefined {
  return run.divergedAt === undefined ? accuracy(exe, g, run.params, test) : undefined;
}

/** An accuracy per epoch as plot points, epoch 0 being the untrained model. */
export function accuracyPoints(run: Run, key: "trainAccuracy" | "testAccuracy" | "valAccuracy"): XY[] {
  return run.epochs.filter((e) => e[key] !== undefined).map((e) => ({ x: e.epoch, y: e[key]! }));
}

/**
 * The book's smooth_curve (common/util.py): a weighted moving average with a Kaiser window of 11
 * points (beta 2), the ends mirrored so that the smoothed curve has the same length.
 */
export function smoothCurve(values: readonly number[]): number[] {
  const n = values.length;
  if (n < 11) return [...values];
  const half = 5;
  const w = kaiser(11, 2);
  const total = w.reduce((a, b) => a + b, 0);
  // numpy's np.r_[x[10:0:-1], x, x[-1:-11:-1]]: the start mirrored without x[0], the end with x[-1].
  const at = (i: number) => values[i < 0 ? -i : i >= n ? 2 * n - 1 - i : i]!;
  return values.map((_, i) => w.reduce((sum, wk, k) => sum + wk * at(i + k - half), 0) / total);
}

/** numpy.kaiser(m, beta). */
function kaiser(m: number, beta: number): number[] {
  return Array.from({ length: m }, (_, i) => {
    const r = (2 * i) / (m - 1) - 1;
    return besselI0(beta * Math.sqrt(1 - r * r)) / besselI0(beta);
  });
}

/** The modified Bessel function of the first kind, order 0, by its power series. */
function besselI0(x: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/** "0.0136", "1.88e-6": three significant digits, small numbers in exponent form. */
export function short(v: number): string {
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(2).replace(/\.?0+e/, "e");
  return Number(v.toPrecision(3)).toString();
}
