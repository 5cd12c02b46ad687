// `nnc graph FILE`: the elaborated graph as Graphviz dot or JSON, for people who want to see it.
import type { Graph } from "../graph/ir.js";
import { differentiate } from "../graph/autodiff.js";
import { showShape } from "../graph/ir.js";
import { load, UsageError, type Io } from "./io.js";

export interface GraphOptions {
  readonly set: Record<string, string>;
  readonly format: "dot" | "json";
  readonly model?: string;
  readonly backward?: boolean;
}

export function pickModel(graphs: readonly Graph[], name: string | undefined): Graph {
  if (graphs.length === 0) throw new UsageError(`the file has no model to show`);
  if (name === undefined) {
    if (graphs.length > 1)
      throw new UsageError(`the file has several models (${graphs.map((g) => g.model).join(", ")}); choose one with --model`);
    return graphs[0]!;
  }
  const g = graphs.find((x) => x.model === name);
  if (!g) throw new UsageError(`no model named '${name}' (models: ${graphs.map((x) => x.model).join(", ")})`);
  return g;
}

/** A double-quoted dot string: names from .nn files cannot break out of it. */
function dotString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

export function toDot(g: Graph): string {
  const lines = [`digraph ${dotString(g.model)} {`, `  rankdir=TB;`, `  node [shape=box, fontname="Helvetica", fontsize=10];`];
  const named = new Map<number, string>();
  for (const p of g.params) named.set(p.node, p.name);
  for (const i of g.inputs) named.set(i.node, i.name);
  for (const s of g.states) named.set(s.node, s.name);
  for (const n of g.nodes) {
    const name = named.get(n.id);
    const attrs = n.op === "const" ? ` ${(n.attrs as { value: number }).value}` : "";
    const title = name ?? `${n.op}${attrs}`;
    const label = `${title}\n${showShape(n.shape)}${n.label && !name ? `\n${n.label}` : ""}`;
    const style =
      n.op === "param"
        ? ', style=filled, fillcolor="#dbeafe"'
        : n.op === "input"
          ? ', style=filled, fillcolor="#dcfce7"'
          : n.gradOf !== undefined
            ? ', color="#b91c1c"'
            : "";
    lines.push(`  n${n.id} [label=${dotString(label)}${style}];`);
    for (const input of n.inputs) lines.push(`  n${input} -> n${n.id};`);
  }
  for (const o of g.outputs)
    lines.push(`  out_${o.node} [label=${dotString(`output ${o.name}`)}, shape=oval];`, `  n${o.node} -> out_${o.node};`);
  if (g.loss !== undefined) lines.push(`  loss [label="loss", shape=oval];`, `  n${g.loss} -> loss;`);
  for (const gr of g.grads)
    lines.push(
      `  grad_${gr.node} [label=${dotString(`∂loss/∂${gr.name}`)}, shape=oval, color="#b91c1c"];`,
      `  n${gr.node} -> grad_${gr.node};`,
    );
  lines.push("}");
  return lines.join("\n") + "\n";
}

export async function graphCommand(file: string, opts: GraphOptions, io: Io): Promise<number> {
  const { result, code } = load(file, { set: opts.set }, io);
  if (code !== 0) return code;
  const forward = pickModel(result.graphs, opts.model);
  if (opts.backward && forward.loss === undefined) throw new UsageError(`model '${forward.model}' has no loss to differentiate`);
  const g = opts.backward ? differentiate(forward) : forward;
  io.out(opts.format === "json" ? JSON.stringify(g, null, 2) + "\n" : toDot(g));
  return 0;
}
