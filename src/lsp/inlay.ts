// Inlay hints: the shape of each binding, shown after its name as a faint `: [batch, 50]` (once
// per distinct shape when a block's instances differ).
import { InlayHintKind, type InlayHint } from "vscode-languageserver";
import type { Usable } from "./analysis.js";
import { shapesOfSymbol, showShapes } from "./shapes.js";

export function inlayHints(u: Usable, start: number, end: number): InlayHint[] {
  const a = u.analysis;
  const names = a.names;
  if (!names) return [];
  const hints: InlayHint[] = [];
  for (const s of names.symbols) {
    if (s.kind !== "binding" || s.end < start || s.start > end || s.end > u.validUpTo) continue;
    const shape = showShapes(shapesOfSymbol(s, a.shapes, names));
    if (shape === undefined) continue;
    hints.push({ position: a.doc.positionAt(s.end), label: `: ${shape}`, kind: InlayHintKind.Type });
  }
  return hints;
}
