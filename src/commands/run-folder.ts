// A run folder is self-contained: `nnc train` writes the model's source (model.nn) and, in
// settings.json, the model's name and the --set values it was trained with, so `nnc eval --run
// DIR` evaluates the run as it was trained without repeating a flag.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "./io.js";

export interface RunFolder {
  readonly file: string;
  readonly model: string;
  readonly set: Record<string, string>;
  readonly params: string;
}

export function readRunFolder(dir: string): RunFolder {
  const settingsPath = join(dir, "settings.json");
  const file = join(dir, "model.nn");
  if (!existsSync(settingsPath) || !existsSync(file))
    throw new UsageError(`--run ${dir}: no model.nn and settings.json there; give the folder \`nnc train\` wrote (its --out)`);
  let info: { model?: unknown; set?: unknown; hyper?: unknown };
  try {
    info = JSON.parse(readFileSync(settingsPath, "utf8")) as typeof info;
  } catch (e) {
    throw new UsageError(`--run ${dir}: settings.json is not valid JSON (${(e as Error).message})`);
  }
  if (typeof info.model !== "string") throw new UsageError(`--run ${dir}: settings.json names no model`);
  // Runs written before `set` was recorded: their hyperparameters, as --set values.
  const source = (info.set ?? info.hyper ?? {}) as Record<string, unknown>;
  const set = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, String(v)]));
  return { file, model: info.model, set, params: join(dir, "params.safetensors") };
}
