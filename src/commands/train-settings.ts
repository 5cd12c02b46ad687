// The settings of a training run: the model's `train { ... }` section, overridden by flags, with
// nnc's defaults for what neither gives. Every value is checked with a message that says what
// to do.
import type { Graph } from "../graph/ir.js";
import { UsageError } from "./io.js";
import { resolveLoopSettings, type LoopFlags, type LoopSettings } from "./loop-settings.js";

export interface TrainFlags extends LoopFlags {
  readonly optimizer?: string;
  readonly lr?: string;
  readonly batchSize?: string;
  readonly epochs?: string;
  readonly iters?: string;
  readonly seed?: string;
  readonly weightDecay?: string;
  readonly valSplit?: string;
  readonly trainSubset?: string;
  readonly dtype?: string;
}

export interface RunSettings extends LoopSettings {
  readonly optimizer: { readonly name: string; readonly args: Readonly<Record<string, number>> };
  readonly batchSize: number;
  readonly iters?: number;
  readonly epochs?: number;
  readonly seed: number;
  readonly weightDecay: number;
  readonly valSplit: number;
  readonly trainSubset?: number;
  readonly dtype: "f32" | "f64";
}

export const DEFAULTS = { optimizer: "sgd", lr: 0.01, batchSize: 100, epochs: 10, seed: 0 };

function num(flag: string, text: string | undefined, ok: (v: number) => boolean, rule: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || !ok(v)) throw new UsageError(`--${flag} must be ${rule}, got '${text}'`);
  return v;
}

const int = (flag: string, text: string | undefined, min: number) =>
  num(flag, text, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);

/** `optimizerName` is the registered name when --optimizer named a module file. */
export function resolveSettings(g: Graph, flags: TrainFlags, optimizerName?: string): RunSettings {
  const t = g.train;
  const modelOpt = typeof t.optimizer === "object" ? t.optimizer : undefined;
  const name = optimizerName ?? flags.optimizer ?? modelOpt?.name ?? DEFAULTS.optimizer;
  // The model's optimizer arguments carry over only to the same optimizer.
  const args: Record<string, number> = { ...(modelOpt && modelOpt.name === name ? modelOpt.args : {}) };
  const lr = num("lr", flags.lr, (v) => v > 0, "a positive number") ?? (typeof t.lr === "number" ? t.lr : undefined);
  if (lr !== undefined) args.lr = lr;
  else if (args.lr === undefined && !optimizerName) args.lr = DEFAULTS.lr;

  const iters = int("iters", flags.iters, 1);
  const epochs = int("epochs", flags.epochs, 1);
  if (iters !== undefined && epochs !== undefined) throw new UsageError(`give either --epochs or --iters, not both`);
  const fromModel = iters === undefined && epochs === undefined;
  const length = fromModel
    ? typeof t.iters === "number"
      ? { iters: t.iters }
      : { epochs: typeof t.epochs === "number" ? t.epochs : DEFAULTS.epochs }
    : iters !== undefined
      ? { iters }
      : { epochs: epochs! };

  const dtype = flags.dtype ?? "f32";
  if (dtype !== "f32" && dtype !== "f64") throw new UsageError(`--dtype must be f32 or f64, got '${dtype}'`);
  const trainSubset = int("train-subset", flags.trainSubset, 1) ?? (typeof t.train_subset === "number" ? t.train_subset : undefined);
  return {
    optimizer: { name, args },
    batchSize: int("batch-size", flags.batchSize, 1) ?? (typeof t.batch_size === "number" ? t.batch_size : DEFAULTS.batchSize),
    ...length,
    seed: int("seed", flags.seed, 0) ?? (typeof t.seed === "number" ? t.seed : DEFAULTS.seed),
    weightDecay:
      num("weight-decay", flags.weightDecay, (v) => v >= 0, "a number >= 0") ?? (typeof t.weight_decay === "number" ? t.weight_decay : 0),
    valSplit:
      num("val-split", flags.valSplit, (v) => v >= 0 && v < 1, "a fraction in [0, 1)") ??
      (typeof t.val_split === "number" ? t.val_split : 0),
    ...(trainSubset !== undefined && { trainSubset }),
    dtype,
    ...resolveLoopSettings(t, flags),
  };
}

/** The settings that must agree for --resume to continue the same run: all but its length (a larger one extends it). */
export function resumeMismatches(
  saved: Record<string, unknown>,
  now: RunSettings & { hyper: Readonly<Record<string, unknown>> },
): string[] {
  const out: string[] = [];
  const savedHyper = (saved.hyper ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(now.hyper)) {
    if (saved.hyper !== undefined && JSON.stringify(savedHyper[name]) !== JSON.stringify(value))
      out.push(`--set ${name}: the run was started with ${JSON.stringify(savedHyper[name])}, now ${JSON.stringify(value)}`);
  }
  for (const [key, value] of Object.entries(now)) {
    if (key === "hyper" || key === "epochs" || key === "iters") continue;
    if (JSON.stringify(saved[key]) !== JSON.stringify(value))
      out.push(`${key}: the checkpoint has ${JSON.stringify(saved[key])}, now ${JSON.stringify(value)}`);
  }
  return out;
}
