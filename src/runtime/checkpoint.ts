// Checkpoints and trained params on disk, in safetensors: params (and batch-norm state) under
// their own names, optimizer buffers under `optimizer.<slot>.<param>`, and the rest of the run's
// state (step, batch order, history) as JSON in the header's metadata.
import type { Graph } from "../graph/ir.js";
import type { Params } from "./executable.js";
import { isSlots } from "./optimizer-state.js";
import { readSafetensors, writeSafetensors, type NamedTensor } from "./safetensors.js";
import type { Checkpoint } from "./train.js";

const FORMAT = "nnc-checkpoint-1";

/** A checkpoint that does not belong to this model or run (a usage error: another --out). */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

function shapes(g: Graph): Map<string, readonly number[]> {
  return new Map([...g.params, ...g.states].map((p) => [p.name, p.shape]));
}

function paramTensors(g: Graph, params: Params, prefix = ""): Record<string, NamedTensor> {
  const s = shapes(g);
  return Object.fromEntries(Object.entries(params).map(([k, data]) => [prefix + k, { shape: s.get(k) ?? [data.length], data }]));
}

/** Trained params and state, with the model's name and settings in the metadata. */
export function saveParams(path: string, g: Graph, params: Params, metadata: Record<string, string> = {}): void {
  writeSafetensors(path, paramTensors(g, params), { model: g.model, ...metadata });
}

export function loadParams(path: string, g: Graph): Params {
  const file = readSafetensors(path);
  const out: Params = {};
  for (const p of [...g.params, ...g.states]) {
    const t = file.tensors[p.name];
    if (!t) throw new Error(`${path}: has no tensor '${p.name}' (is it the params of ${g.model}?)`);
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new Error(`${path}: '${p.name}' has shape [${t.shape}], the model declares [${p.shape}]`);
    }
    out[p.name] = t.data;
  }
  return out;
}

export function saveCheckpoint(path: string, g: Graph, cp: Checkpoint, settings: Record<string, unknown>): void {
  const tensors = paramTensors(g, cp.params);
  let optimizerJson: string | undefined;
  if (isSlots(cp.optimizerState)) {
    for (const [slot, buffers] of Object.entries(cp.optimizerState)) Object.assign(tensors, paramTensors(g, buffers, `optimizer.${slot}.`));
  } else optimizerJson = JSON.stringify(cp.optimizerState ?? null);
  writeSafetensors(path, tensors, {
    format: FORMAT,
    model: g.model,
    step: String(cp.step),
    position: String(cp.position),
    epochRng: JSON.stringify(cp.epochRng),
    seconds: String(cp.seconds),
    history: JSON.stringify(cp.history),
    settings: JSON.stringify(settings),
    ...(optimizerJson !== undefined && { optimizer: optimizerJson }),
  });
}

export interface LoadedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly settings: Record<string, unknown>;
  /** Tensors whose shape is not the model's now (it was trained with other sizes): it cannot resume. */
  readonly mismatched: readonly string[];
}

export function loadCheckpoint(path: string, g: Graph): LoadedCheckpoint {
  const file = readSafetensors(path);
  const m = file.metadata;
  if (m.format !== FORMAT) throw new CheckpointError(`${path}: not an nnc checkpoint`);
  if (m.model !== g.model)
    throw new CheckpointError(
      `${path} is a checkpoint of model '${m.model}', not '${g.model}': this folder holds another model's run; give another --out`,
    );
  const mismatched: string[] = [];
  const params: Params = {};
  const slots: Record<string, Params> = {};
  const declared = shapes(g);
  for (const [name, t] of Object.entries(file.tensors)) {
    const opt = /^optimizer\.([^.]+)\.(.+)$/.exec(name);
    const shape = declared.get(opt ? opt[2]! : name);
    if (shape !== undefined && (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])))
      mismatched.push(`'${name}' is [${t.shape.join(", ")}] in the checkpoint but [${shape.join(", ")}] in ${g.model} now`);
    if (opt) (slots[opt[1]!] ??= {})[opt[2]!] = t.data;
    else params[name] = t.data;
  }
  return {
    checkpoint: {
      step: Number(m.step),
      params,
      optimizerState: m.optimizer !== undefined ? JSON.parse(m.optimizer) : slots,
      epochRng: JSON.parse(m.epochRng ?? "[]"),
      position: Number(m.position),
      history: JSON.parse(m.history ?? '{"losses":[],"epochs":[]}'),
      seconds: Number(m.seconds ?? 0),
    },
    settings: JSON.parse(m.settings ?? "{}"),
    mismatched,
  };
}
