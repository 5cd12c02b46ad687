// `nnc check FILE...`: parse, elaborate and shape-check; one line per model.
import type { Graph } from "../graph/ir.js";
import { showShape } from "../graph/ir.js";
import { load, type Io } from "./io.js";

export interface CheckOptions {
  readonly set: Record<string, string>;
  readonly json?: boolean;
}

export function summarize(g: Graph) {
  const paramCount = g.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  return {
    model: g.model,
    params: paramCount,
    paramTensors: g.params.length,
    nodes: g.nodes.length,
    inputs: g.inputs.map((i) => ({ name: i.name, role: i.role, shape: i.shape })),
    outputs: g.outputs.map((o) => ({ name: o.name, shape: g.nodes[o.node]!.shape })),
    loss: g.loss !== undefined,
  };
}

export async function checkCommand(files: readonly string[], opts: CheckOptions, io: Io): Promise<number> {
  let code = 0;
  const report: unknown[] = [];
  for (const file of files) {
    const { result, code: c } = load(file, { set: opts.set }, io);
    code = Math.max(code, c);
    const diagnostics = result.diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      span: d.span,
      ...(d.notes && { notes: d.notes }),
    }));
    if (opts.json) {
      report.push({ file, ok: c === 0, models: c === 0 ? result.graphs.map(summarize) : [], diagnostics, usageErrors: result.usageErrors });
      continue;
    }
    if (c !== 0) continue;
    for (const g of result.graphs) {
      const s = summarize(g);
      const outs = s.outputs.map((o) => `${o.name} ${showShape(o.shape)}`).join(", ");
      io.out(
        `${file}: ${s.model}: ${plural(s.params, "param")} in ${plural(s.paramTensors, "tensor")}, ${plural(s.nodes, "node")}` +
          `${outs ? `, outputs ${outs}` : ""}${s.loss ? ", loss" : ", no loss"}\n`,
      );
    }
  }
  if (opts.json) io.out(JSON.stringify(report, null, 2) + "\n");
  return code;
}

/** `1 tensor`, `4 tensors`, `39,760 params`. */
function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}
