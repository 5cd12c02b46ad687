// The compiler's front end on the editor's text: diagnostics for the linter, the model's graph
// for the graph view and the trainer, and the shape under the pointer for hovers. One analysis
// per text (the linter, the hover and the views share it).
import type { Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { frontend, hasErrors, showShape, type FrontendResult, type Graph } from "./nnc.js";

export const FILE = "model.nn";

export interface Analysis {
  readonly text: string;
  readonly result: FrontendResult;
  /** The models that checked clean, by name. */
  readonly graphs: readonly Graph[];
  readonly ok: boolean;
}

let last: Analysis | undefined;

export function analyze(text: string): Analysis {
  if (last?.text === text) return last;
  const result = frontend(text, FILE);
  const ok = !hasErrors(result.diagnostics) && result.usageErrors.length === 0;
  last = { text, result, graphs: ok ? result.graphs : [], ok };
  return last;
}

/** nnc's diagnostics as CodeMirror's: the span underlined, the notes after the message. */
export function lintDiagnostics(a: Analysis): CmDiagnostic[] {
  const length = a.text.length;
  return a.result.diagnostics.map((d) => {
    const from = Math.min(d.span?.offset ?? 0, length);
    const to = Math.min(Math.max(d.span?.endOffset ?? from, from), length);
    const notes = (d.notes ?? []).map((n) => `\n${n.message}`).join("");
    return { from, to, severity: d.severity, message: d.message + notes, source: "nnc" };
  });
}

export interface ShapeInfo {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

/**
 * What is at `offset`: a param's, input's or state's name shows its shape; anywhere else, the
 * innermost forward node whose source span holds it shows its op, the binding it computes and its shape.
 */
export function shapeAt(g: Graph, text: string, offset: number): ShapeInfo | undefined {
  const before = /[A-Za-z0-9_.]*$/.exec(text.slice(0, offset))![0];
  const after = /^[A-Za-z0-9_.]*/.exec(text.slice(offset))![0];
  const word = before + after;
  const named = [...g.params, ...g.inputs, ...g.states].find((p) => p.name === word);
  if (named) return { from: offset - before.length, to: offset + after.length, text: `${word}: ${showShape(g.nodes[named.node]!.shape)}` };
  let best: { from: number; to: number; id: number } | undefined;
  for (const n of g.nodes) {
    const s = n.span;
    if (!s || n.gradOf !== undefined || offset < s.offset || offset > s.endOffset) continue;
    if (!best || s.endOffset - s.offset < best.to - best.from) best = { from: s.offset, to: s.endOffset, id: n.id };
  }
  if (!best) return undefined;
  const node = g.nodes[best.id]!;
  return { from: best.from, to: best.to, text: `${node.op}${node.label ? ` (${node.label})` : ""}: ${showShape(node.shape)}` };
}
