// `nnc eval FILE --params PATH --data SRC`: accuracy, loss and confusion matrix of trained params.
import { resolveData, type Dataset } from "../runtime/data/index.js";
import { executableFor } from "../runtime/backend.js";
import { loadParams } from "../runtime/checkpoint.js";
import { checkModelSize } from "../runtime/model-size.js";
import type { Executable, Params } from "../runtime/executable.js";
import type { Graph } from "../graph/ir.js";
import { pickModel } from "./graph.js";
import { classOptions } from "./model-data.js";
import { readRunFolder } from "./run-folder.js";
import { load, UsageError, type Io } from "./io.js";

export interface EvalOptions {
  readonly set: Record<string, string>;
  readonly params?: string;
  readonly data?: string;
  readonly json?: boolean;
  readonly model?: string;
  /** A run folder of `nnc train`: its model, --set values and params. */
  readonly run?: string;
}

export interface Evaluation {
  readonly rows: number;
  readonly accuracy: number;
  /** Mean -log p(label), when the output rows are probabilities (a softmax). */
  readonly loss: number | null;
  /** confusion[label][predicted] */
  readonly confusion: number[][];
}

export function evaluateModel(exe: Executable, g: Graph, params: Params, ds: Dataset, evalBatch = 1000): Evaluation {
  const input = g.inputs.find((i) => i.role === "input")!;
  const out = g.outputs[0]!;
  let classes = 0;
  let confusion: number[][] = [];
  let correct = 0;
  let nll = 0;
  let probabilities = true;
  for (let start = 0; start < ds.rows; start += evalBatch) {
    const rows = Math.min(evalBatch, ds.rows - start);
    // A view of the rows, which predict reads (or copies into its memory) as they are: no array per batch.
    const y = exe.predict(params, { [input.name]: ds.x.subarray(start * ds.features, (start + rows) * ds.features) })[out.name]!;
    const width = y.length / rows;
    if (classes === 0) {
      classes = Math.max(width, ds.classes);
      confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    }
    for (let r = 0; r < rows; r++) {
      let best = 0;
      let sum = 0;
      for (let c = 0; c < width; c++) {
        const v = y[r * width + c]!;
        sum += v;
        if (v > y[r * width + best]!) best = c;
      }
      if (Math.abs(sum - 1) > 1e-3) probabilities = false;
      const label = ds.labels[start + r]!;
      confusion[label]![best]!++;
      if (best === label) correct++;
      nll -= Math.log(Math.max(y[r * width + label]!, 1e-12));
    }
  }
  return { rows: ds.rows, accuracy: correct / ds.rows, loss: probabilities ? nll / ds.rows : null, confusion };
}

export function formatConfusion(m: number[][]): string {
  const w = Math.max(5, ...m.flat().map((v) => String(v).length + 1));
  const head = "label\\pred".padEnd(11) + m.map((_, c) => String(c).padStart(w)).join("");
  return [head, ...m.map((row, r) => String(r).padEnd(11) + row.map((v) => String(v).padStart(w)).join(""))].join("\n");
}

export async function evalCommand(fileArg: string | undefined, given: EvalOptions, io: Io): Promise<number> {
  let file = fileArg;
  let opts = given;
  if (given.run !== undefined) {
    if (fileArg !== undefined || Object.keys(given.set).length > 0 || given.model !== undefined)
      throw new UsageError(`--run DIR evaluates the run as it was trained: give no FILE, --set or --model with it`);
    const run = readRunFolder(given.run);
    file = run.file;
    opts = { ...given, set: run.set, model: run.model, params: given.params ?? run.params };
  }
  if (file === undefined) throw new UsageError(`give the model file, or --run DIR for a run folder of nnc train`);
  if (!opts.params) throw new UsageError(`--params is required: the params.safetensors of a trained run (or give --run DIR)`);
  if (!opts.data) throw new UsageError(`--data is required: mnist, a folder of IDX files, IMAGES,LABELS or a .csv file`);
  const { result, code } = load(file, { set: opts.set }, io);
  if (code !== 0) return code;
  const g = pickModel(result.graphs, opts.model);
  if (!g.outputs[0] || !g.inputs.some((i) => i.role === "input"))
    throw new UsageError(`model '${g.model}' has no input and output to evaluate`);
  let params: Params;
  let ds: Dataset;
  try {
    params = loadParams(opts.params, g);
    const splits = resolveData(opts.data, { ...classOptions(g), testOnly: true });
    ds = (splits.test ?? splits.train)!;
  } catch (e) {
    io.err(`nnc: error: ${(e as Error).message}\n`);
    return 1;
  }
  checkModelSize(g, { batch: Math.min(1000, ds.rows), dtype: "f32", backend: "wasm" });
  const { exe } = await executableFor(g, { dtype: "f32" });
  const r = evaluateModel(exe, g, params, ds);
  if (opts.json) io.out(JSON.stringify({ model: g.model, ...r }) + "\n");
  else {
    io.out(
      `${g.model} on ${r.rows} rows of ${opts.data}: accuracy ${(100 * r.accuracy).toFixed(2)}%${r.loss !== null ? `, loss ${r.loss.toFixed(4)}` : ""}\n`,
    );
    io.out(formatConfusion(r.confusion) + "\n");
  }
  return 0;
}
