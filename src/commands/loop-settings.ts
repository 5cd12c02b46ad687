// The training loop's settings (schedule, warm-up, early stopping, clipping, sampling): from
// flags, else the model's train { } section. A flag's spec is written as in the section:
// `--lr-schedule "step(every = 2, gamma = 0.5)"`, `--lr-schedule cosine`.
import type { TrainSettings } from "../graph/ir.js";
import { checkSchedule, SAMPLING_MODES, type SamplingMode, type ScheduleSpec } from "../runtime/schedule.js";
import { UsageError } from "./io.js";

export interface LoopFlags {
  readonly lrSchedule?: string;
  readonly warmup?: string;
  readonly patience?: string;
  readonly clipNorm?: string;
  readonly sampling?: string;
}

export interface LoopSettings {
  readonly lrSchedule?: ScheduleSpec;
  readonly warmup?: number;
  readonly patience?: number;
  readonly clipNorm?: number;
  readonly sampling?: SamplingMode;
}

/** `name` or `name(k = v, ...)` with numeric values. */
export function parseSpec(flag: string, text: string): ScheduleSpec {
  const m = /^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$/.exec(text);
  if (!m) throw new UsageError(`--${flag} expects name or name(k = v, ...), got '${text}'`);
  const args: Record<string, number> = {};
  for (const part of (m[2] ?? "").split(",").filter((p) => p.trim() !== "")) {
    const [k, v, ...rest] = part.split("=").map((s) => s.trim());
    const value = Number(v);
    if (!k || v === undefined || v === "" || rest.length > 0 || !Number.isFinite(value))
      throw new UsageError(`--${flag}: '${part.trim()}' is not name = number`);
    args[k] = value;
  }
  return { name: m[1]!, args };
}

function count(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === "" || !Number.isInteger(v) || v < min)
    throw new UsageError(`--${flag} must be a whole number >= ${min}, got '${text}'`);
  return v;
}

export function resolveLoopSettings(t: TrainSettings, flags: LoopFlags): LoopSettings {
  const spec = (v: unknown) => (typeof v === "object" && v !== null ? (v as ScheduleSpec) : undefined);
  const n = (v: unknown) => (typeof v === "number" ? v : undefined);
  const lrSchedule = flags.lrSchedule !== undefined ? parseSpec("lr-schedule", flags.lrSchedule) : spec(t.lr_schedule);
  if (lrSchedule) checkSchedule(lrSchedule);
  let clipNorm = n(t.clip_norm);
  if (flags.clipNorm !== undefined) {
    clipNorm = Number(flags.clipNorm);
    if (!(clipNorm > 0) || !Number.isFinite(clipNorm))
      throw new UsageError(`--clip-norm must be a positive number, got '${flags.clipNorm}'`);
  }
  const sampling = flags.sampling ?? spec(t.sampling)?.name;
  if (sampling !== undefined && !(SAMPLING_MODES as readonly string[]).includes(sampling))
    throw new UsageError(`--sampling must be ${SAMPLING_MODES.join(" or ")}, got '${sampling}'`);
  const warmup = count("warmup", flags.warmup, 0) ?? n(t.warmup);
  const patience = count("patience", flags.patience, 1) ?? n(t.patience);
  return {
    ...(lrSchedule && { lrSchedule }),
    ...(warmup !== undefined && warmup > 0 && { warmup }),
    ...(patience !== undefined && { patience }),
    ...(clipNorm !== undefined && { clipNorm }),
    ...(sampling !== undefined && sampling !== "shuffle" && { sampling: sampling as SamplingMode }),
  };
}
