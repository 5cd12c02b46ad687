// The CodeMirror 6 editor: .nn highlighting, nnc's diagnostics as you type (@codemirror/lint),
// shapes on hover, and `nnc fmt` on Shift-Alt-F or Mod-S.
import { linter, lintGutter } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, hoverTooltip, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { analyze, FILE, lintDiagnostics, shapeAt } from "./analysis.js";
import { nnHighlighting, nnLanguage } from "./language.js";
import { formatNn } from "./nnc.js";

export interface EditorHooks {
  /** The text changed (called on every change; the caller debounces). */
  onChange(text: string): void;
  /** A message for the status line (a format that failed). */
  onMessage(text: string): void;
}

const hover = hoverTooltip((view, pos) => {
  const a = analyze(view.state.doc.toString());
  for (const g of a.graphs) {
    const info = shapeAt(g, a.text, pos);
    if (!info) continue;
    return {
      pos: info.from,
      end: info.to,
      above: true,
      create: () => {
        const dom = document.createElement("div");
        dom.className = "shape-tooltip";
        dom.textContent = info.text;
        return { dom };
      },
    };
  }
  return null;
});

export async function formatDocument(view: EditorView, hooks: EditorHooks): Promise<boolean> {
  const text = view.state.doc.toString();
  try {
    const formatted = await formatNn(text, FILE);
    if (formatted !== view.state.doc.toString()) {
      if (view.state.doc.toString() !== text) return false; // typed meanwhile: keep what was typed
      view.dispatch({ changes: { from: 0, to: text.length, insert: formatted } });
    }
    hooks.onMessage("formatted");
    return true;
  } catch {
    hooks.onMessage("cannot format: fix the errors first");
    return false;
  }
}

export function createEditor(parent: HTMLElement, text: string, hooks: EditorHooks): EditorView {
  const format = (view: EditorView) => {
    void formatDocument(view, hooks);
    return true;
  };
  const view: EditorView = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        keymap.of([
          { key: "Shift-Alt-f", run: format },
          { key: "Mod-s", run: format, preventDefault: true },
        ]),
        basicSetup,
        EditorView.lineWrapping, // no sideways scrolling, on a phone either
        nnLanguage,
        nnHighlighting,
        linter((v) => lintDiagnostics(analyze(v.state.doc.toString())), { delay: 250 }),
        lintGutter(),
        hover,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) hooks.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return view;
}
