// nnc's diagnostics as LSP diagnostics: the span becomes the range, each note with a span (the
// chain of block instantiations) becomes related information, and "did you mean 'x'?" becomes a
// quick fix that replaces the misspelled name.
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
} from "vscode-languageserver";
import type { Diagnostic, Note } from "../diagnostics.js";
import type { Analysis } from "./analysis.js";
import { wordAt } from "./scan.js";

export const SOURCE = "nnc";

/** Attached to a diagnostic that has a fix: the replacement of `start..end` (offsets). */
interface FixData {
  readonly replace: string;
  readonly start: number;
  readonly end: number;
}

export function toLspDiagnostics(analysis: Analysis, uri: string): LspDiagnostic[] {
  const { diagnostics, usageErrors } = analysis.result;
  const out = diagnostics.map((d) => toLsp(d, analysis, uri));
  for (const message of usageErrors) out.push({ range: analysis.range(0, 0), severity: DiagnosticSeverity.Error, source: SOURCE, message });
  return out;
}

function toLsp(d: Diagnostic, analysis: Analysis, uri: string): LspDiagnostic {
  const start = d.span?.offset ?? 0;
  const end = d.span?.endOffset ?? start;
  const related: DiagnosticRelatedInformation[] = [];
  const unplaced: string[] = [];
  for (const note of d.notes ?? []) {
    const at = noteLocation(note, analysis);
    if (at) related.push({ location: { uri, range: analysis.range(at[0], at[1]) }, message: note.message });
    else unplaced.push(`note: ${note.message}`);
  }
  const fix = didYouMeanFix(d.message, analysis.text, start, end);
  return {
    range: analysis.range(start, end),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    message: [d.message, ...unplaced].join("\n"),
    ...(related.length > 0 && { relatedInformation: related }),
    ...(fix && { data: fix }),
  };
}

/**
 * Where a note points: its span, or the call site its text names ("in block Dense at a.nn:1:7,
 * used at a.nn:9:7": the elaborator writes the instantiation chain's places into the message).
 */
function noteLocation(note: Note, analysis: Analysis): [number, number] | undefined {
  if (note.span) return [note.span.offset, note.span.endOffset];
  const m = /used at (.+):(\d+):(\d+)$/.exec(note.message);
  if (!m || !analysis.result.sources.has(m[1]!)) return undefined;
  const offset = analysis.doc.offsetAt({ line: Number(m[2]) - 1, character: Number(m[3]) - 1 });
  const word = wordAt(analysis.text, offset);
  return word ? [word.start, word.start + word.word.length] : [offset, offset];
}

/**
 * "unknown name 'hiden'; did you mean 'hidden'?": the misspelled word is the quoted name that
 * occurs in the diagnostic's range (the range may be the whole setting `lrr = 0.1`).
 */
export function didYouMeanFix(message: string, text: string, start: number, end: number): FixData | undefined {
  const guess = /did you mean '([^']+)'\?/.exec(message)?.[1];
  if (guess === undefined) return undefined;
  const inRange = text.slice(start, end);
  for (const [, quoted] of message.matchAll(/'([^']+)'/g)) {
    if (quoted === undefined || quoted === guess) continue;
    const at = new RegExp(`(?<![\\w])${escape(quoted)}(?![\\w])`).exec(inRange);
    if (at) return { replace: guess, start: start + at.index, end: start + at.index + quoted.length };
  }
  return undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function isFix(data: unknown): data is FixData {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d.replace === "string" && typeof d.start === "number" && typeof d.end === "number";
}

/** Quick fixes for the diagnostics the client sends back (those of the current version). */
export function quickFixes(analysis: Analysis, uri: string, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== SOURCE || !isFix(d.data)) continue;
    const { replace, start, end } = d.data;
    if (end > analysis.text.length) continue;
    actions.push({
      title: `Change to '${replace}'`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: analysis.range(start, end), newText: replace }] } },
    });
  }
  return actions;
}
