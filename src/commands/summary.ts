// `nnc summary FILE [--set k=v]`: a per-layer table as Keras's model.summary() prints it: each
// input, param and binding with its shape and parameter count, the totals, and the FLOPs of one
// training step at the model's batch size.
import { showShape, type Graph } from "../graph/ir.js";
import { shortNumber } from "../short-number.js";
import { stepFlops, type StepFlops } from "./flops.js";
import { pickModel } from "./graph.js";
import { load, UsageError, type Io } from "./io.js";
import { resolveSettings } from "./train-settings.js";

export interface SummaryOptions {
  readonly set: Record<string, string>;
  readonly model?: string;
  readonly batch?: string;
  readonly json?: boolean;
}

interface Row {
  readonly name: string;
  readonly kind: string;
  readonly shape: string;
  readonly params: number;
}

const count = (shape: readonly (number | string)[]) => shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1);

/** One row per named thing, in the order the model declares it; a binding's shape is its final value's. */
export function summaryRows(g: Graph): Row[] {
  const params = new Map(g.params.map((p) => [p.name, p]));
  const states = new Set(g.states.map((s) => s.name));
  const inputs = new Map(g.inputs.map((i) => [i.name, i]));
  const outputs = new Set(g.outputs.map((o) => o.name));
  const last = new Map<string, number>();
  // Labels ending in ' are a state's next value (batch-norm statistics), shown by the state's row.
  for (const n of g.nodes) if (n.label !== undefined && n.gradOf === undefined && !n.label.endsWith("'")) last.set(n.label, n.id);
  const rows: Row[] = [];
  for (const [label, id] of last) {
    const shape = showShape(g.nodes[id]!.shape);
    const p = params.get(label);
    const kind = p
      ? "param"
      : states.has(label)
        ? "state"
        : (inputs.get(label)?.role ?? (outputs.has(label) ? "output" : id === g.loss ? "loss" : "value"));
    rows.push({ name: label, kind, shape, params: p ? count(p.shape) : states.has(label) ? count(g.nodes[id]!.shape) : 0 });
  }
  return rows;
}

function table(rows: readonly Row[]): string {
  const head: Row = { name: "Name", kind: "Kind", shape: "Shape", params: 0 };
  const w = {
    name: Math.max(...[head, ...rows].map((r) => r.name.length)),
    kind: Math.max(...[head, ...rows].map((r) => r.kind.length)),
    shape: Math.max(...[head, ...rows].map((r) => r.shape.length)),
    params: Math.max(6, ...rows.map((r) => r.params.toLocaleString("en-US").length)),
  };
  const line = (r: Row, params: string) =>
    `${r.name.padEnd(w.name)}  ${r.kind.padEnd(w.kind)}  ${r.shape.padEnd(w.shape)}  ${params.padStart(w.params)}`;
  const rule = "─".repeat(w.name + w.kind + w.shape + w.params + 6);
  return [line(head, "Params"), rule, ...rows.map((r) => line(r, r.params === 0 ? "" : r.params.toLocaleString("en-US"))), rule].join("\n");
}

const flopText = (x: number) =>
  x >= 1e9 ? `${shortNumber(x / 1e9)} G` : x >= 1e6 ? `${shortNumber(x / 1e6)} M` : x >= 1e3 ? `${shortNumber(x / 1e3)} K` : `${x} `;

export async function summaryCommand(file: string, opts: SummaryOptions, io: Io): Promise<number> {
  const { result, code } = load(file, { set: opts.set }, io);
  if (code !== 0) return code;
  const g = pickModel(result.graphs, opts.model);
  const settings = resolveSettings(g, {});
  const batch = opts.batch === undefined ? settings.batchSize : Number(opts.batch);
  if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch must be an integer >= 1, got '${opts.batch}'`);
  const rows = summaryRows(g);
  const trainable = g.params.reduce((s, p) => s + count(p.shape), 0);
  const nonTrainable = g.states.reduce((s, p) => s + count(p.shape), 0);
  const flops: StepFlops = stepFlops(g, batch, settings.optimizer.name);
  if (opts.json) {
    io.out(
      JSON.stringify({
        model: g.model,
        rows,
        trainable,
        nonTrainable,
        total: trainable + nonTrainable,
        batch,
        optimizer: settings.optimizer.name,
        flops,
      }) + "\n",
    );
    return 0;
  }
  const n = (x: number) => x.toLocaleString("en-US");
  io.out(
    [
      `Model: ${g.model} (${file})`,
      table(rows),
      `Total params: ${n(trainable + nonTrainable)} (${shortNumber(((trainable + nonTrainable) * 4) / 1024)} KiB as float32)`,
      `Trainable params: ${n(trainable)}`,
      `Non-trainable params: ${n(nonTrainable)}${nonTrainable > 0 ? " (batch-norm running statistics)" : ""}`,
      g.loss === undefined
        ? `FLOPs of one forward pass at batch ${batch}: ${flopText(flops.forward)}FLOP (the model has no loss, so no training step)`
        : `FLOPs of one training step at batch ${batch}: ${flopText(flops.total)}FLOP (forward ${flopText(flops.forward)}, backward ${flopText(flops.backward)}, ${settings.optimizer.name} update ${flopText(flops.update)})`,
    ].join("\n") + "\n",
  );
  return 0;
}
