// Document symbols (the outline): models and blocks, with their hyperparameters, arguments,
// inputs, targets, params, bindings and train section; each with its shape when known.
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type { Decl } from "../parser/ast.js";
import type { Analysis } from "./analysis.js";
import { declSignature, formalText } from "./describe.js";
import type { NnSymbol } from "./names.js";
import { shapesOfSymbol, showShapes } from "./shapes.js";

const KIND: Record<NnSymbol["kind"], SymbolKind> = {
  model: SymbolKind.Class,
  block: SymbolKind.Function,
  hyper: SymbolKind.Constant,
  arg: SymbolKind.TypeParameter,
  dim: SymbolKind.TypeParameter,
  input: SymbolKind.Variable,
  target: SymbolKind.Variable,
  param: SymbolKind.Field,
  binding: SymbolKind.Variable,
};

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const names = a.names;
  const ast = a.result.ast;
  if (!names || !ast) return [];
  return ast.decls.map((decl) => {
    const members = names.symbols.filter((s) => s.decl === decl && s.kind !== "model" && s.kind !== "block" && s.kind !== "dim");
    const children: DocumentSymbol[] = members.map((s) => member(s, a));
    for (const stmt of decl.body) {
      if (stmt.kind !== "train") continue;
      const range = a.range(stmt.span.offset, stmt.span.endOffset);
      const settings = stmt.settings.map((st) => {
        const r = a.range(st.span.offset, st.span.endOffset);
        return {
          name: st.name,
          kind: SymbolKind.Property,
          range: r,
          selectionRange: a.range(st.span.offset, st.span.offset + st.name.length),
        };
      });
      children.push({
        name: "train",
        kind: SymbolKind.Namespace,
        range,
        selectionRange: a.range(stmt.span.offset, stmt.span.offset + 5),
        children: settings,
      });
    }
    children.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
    return {
      name: decl.name,
      detail: declSignature(decl).slice(decl.kind.length + 1 + decl.name.length),
      kind: KIND[decl.kind],
      range: a.range(decl.span.offset, decl.span.endOffset),
      selectionRange: a.range(decl.nameSpan.offset, decl.nameSpan.endOffset),
      children,
    };
  });
}

function member(s: NnSymbol, a: Analysis): DocumentSymbol {
  const whole = s.stmt?.span ?? undefined;
  const start = Math.min(s.start, whole?.offset ?? s.start);
  const end = Math.max(s.end, whole?.endOffset ?? s.end);
  const formal = s.formal !== undefined ? s.decl.formals[s.formal] : undefined;
  const detail = formal ? formalText(formal).slice(s.name.length) : showShapes(shapesOfSymbol(s, a.shapes, a.names!));
  return {
    name: s.name,
    ...(detail && { detail }),
    kind: KIND[s.kind],
    range: a.range(start, end),
    selectionRange: a.range(s.start, s.end),
  };
}

export function declAt(a: Analysis, offset: number): Decl | undefined {
  return a.result.ast?.decls.find((d) => d.span.offset <= offset && offset <= d.span.endOffset);
}
