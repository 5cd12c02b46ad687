// Hover: the shape of the name or operator under the cursor, a param's initializer and size, a
// block's signature, a builtin's signature and doc.
import type { Hover } from "vscode-languageserver";
import type { Decl } from "../parser/ast.js";
import type { Analysis, Usable } from "./analysis.js";
import { BATCH_DOC, BUILTIN_ENTRIES, INITIALIZER_ENTRIES, OPTIMIZER_ENTRIES, SETTING_ENTRIES, type Entry } from "./catalog.js";
import { code, describeSymbol } from "./describe.js";
import { declExprs, symbolAt } from "./names.js";
import { shapesOfExpr, showShapes } from "./shapes.js";

export function hover(u: Usable, offset: number): Hover | null {
  const a = u.analysis;
  const names = a.names;
  if (!names || offset >= u.validUpTo) return null;
  const answer = (start: number, end: number, value: string): Hover | null =>
    end <= u.validUpTo ? { contents: { kind: "markdown", value }, range: a.range(start, end) } : null;

  const ref = symbolAt(names, offset);
  if (ref) return answer(ref.start, ref.end, describeSymbol(ref.symbol, a));

  const free = names.free.find((f) => f.start <= offset && offset <= f.end);
  const decl = a.result.ast?.decls.find((d) => d.span.offset <= offset && offset <= d.span.endOffset);
  if (free) {
    const inTrain = decl ? trainSettingAt(decl, free.start) !== undefined : false;
    const entry = inTrain ? (OPTIMIZER_ENTRIES.get(free.name) ?? BUILTIN_ENTRIES.get(free.name)) : libraryEntry(free.name);
    const result = decl && free.call ? callShape(a, decl, free.start) : undefined;
    if (entry) return answer(free.start, free.end, entryHover(entry, result));
    if (free.name === "batch") return answer(free.start, free.end, `${code(["batch"])}\n${BATCH_DOC}`);
    return null;
  }
  if (!decl) return null;
  const setting = trainSettingAt(decl, offset);
  if (setting && offset <= setting.start + setting.name.length) {
    const entry = SETTING_ENTRIES.get(setting.name);
    if (entry) return answer(setting.start, setting.start + setting.name.length, `${code([entry.signature])}\n${entry.doc}`);
  }
  // An operator: the shape of the operation it applies.
  for (const e of declExprs(decl)) {
    if (e.kind === "binary" && e.opSpan.offset <= offset && offset <= e.opSpan.endOffset) {
      const shape = showShapes(shapesOfExpr(e, a.shapes, names));
      if (shape) return answer(e.opSpan.offset, e.opSpan.endOffset, code([`${showOp(e.op)}: ${shape}`]));
    }
  }
  return null;
}

function libraryEntry(name: string): Entry | undefined {
  return BUILTIN_ENTRIES.get(name) ?? INITIALIZER_ENTRIES.get(name);
}

function entryHover(entry: Entry, result: string | undefined): string {
  const head = result ? `${entry.signature} -> ${result}` : entry.signature;
  return `${code([head])}\n${entry.doc}`;
}

function showOp(op: string): string {
  return op === "@" ? "x @ W (matmul)" : `a ${op} b`;
}

/** The shape a call whose callee starts at `calleeStart` returns. */
function callShape(a: Analysis, decl: Decl, calleeStart: number): string | undefined {
  for (const e of declExprs(decl)) {
    if (e.kind === "call" && e.calleeSpan.offset === calleeStart) return showShapes(shapesOfExpr(e, a.shapes, a.names!));
  }
  return undefined;
}

/** The train setting whose text contains `offset`, with where its name starts. */
export function trainSettingAt(decl: Decl, offset: number): { name: string; start: number } | undefined {
  for (const stmt of decl.body) {
    if (stmt.kind !== "train" || offset < stmt.span.offset || offset > stmt.span.endOffset) continue;
    for (const s of stmt.settings) if (s.span.offset <= offset && offset <= s.span.endOffset) return { name: s.name, start: s.span.offset };
  }
  return undefined;
}
