// Spans, diagnostics and their formatting. This is the only file that formats an error for a
// person: `file:line:col: error: message`, the source line, and a caret under the span.

/** A region of a source file. Lines and columns are 1-based; `end*` is exclusive. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  /** 0-based character offsets, `endOffset` exclusive (the formatter places comments by them). */
  readonly offset: number;
  readonly endOffset: number;
}

export type Severity = "error" | "warning";

/** A secondary location: "in block Dense at a.nn:4:3, used at a.nn:12:5". */
export interface Note {
  readonly message: string;
  readonly span?: Span;
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  readonly span?: Span;
  readonly notes?: readonly Note[];
}

/** Thrown by passes to stop at the first error they cannot recover from. */
export class DiagnosticError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("; "));
    this.name = "DiagnosticError";
    this.diagnostics = diagnostics;
  }
}

export function error(message: string, span?: Span, notes?: readonly Note[]): Diagnostic {
  return { severity: "error", message, ...(span && { span }), ...(notes && notes.length > 0 && { notes }) };
}

export function warning(message: string, span?: Span, notes?: readonly Note[]): Diagnostic {
  return { severity: "warning", message, ...(span && { span }), ...(notes && notes.length > 0 && { notes }) };
}

/** Throws a single error diagnostic. */
export function fail(message: string, span?: Span, notes?: readonly Note[]): never {
  throw new DiagnosticError([error(message, span, notes)]);
}

/** Drops repeats of a diagnostic (same severity, span and message), keeping the first. */
export function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.severity} ${d.span ? `${d.span.file}:${d.span.offset}:${d.span.endOffset}` : ""} ${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

export function spanToString(span: Span): string {
  return `${span.file}:${span.line}:${span.col}`;
}

/** Covers `a` through `b` (both in the same file). */
export function joinSpans(a: Span, b: Span): Span {
  return { ...a, endLine: b.endLine, endCol: b.endCol, endOffset: b.endOffset };
}

/** Source texts by file name, so that diagnostics can quote the offending line. */
export type Sources = ReadonlyMap<string, string>;

const MAX_QUOTED_LINE = 200;

/** `file:line:col: error: message`, the source line, a caret under the span, then the notes. */
export function formatDiagnostic(d: Diagnostic, sources: Sources): string {
  const head = d.span ? `${spanToString(d.span)}: ` : "";
  const lines = [`${head}${d.severity}: ${d.message}`];
  if (d.span) lines.push(...quote(d.span, sources));
  for (const note of d.notes ?? []) {
    lines.push(note.span ? `  note: ${note.message} (${spanToString(note.span)})` : `  note: ${note.message}`);
  }
  return lines.join("\n");
}

export function formatDiagnostics(diags: readonly Diagnostic[], sources: Sources): string {
  return diags.map((d) => formatDiagnostic(d, sources)).join("\n");
}

function quote(span: Span, sources: Sources): string[] {
  const text = sources.get(span.file);
  if (text === undefined) return [];
  const line = text.split(/\r\n|\r|\n/)[span.line - 1];
  if (line === undefined) return [];
  // Tabs would move the caret; long lines are cut around the span.
  let shown = line.replace(/\t/g, " ");
  let col = span.col;
  if (shown.length > MAX_QUOTED_LINE) {
    const start = Math.max(0, col - 1 - MAX_QUOTED_LINE / 2);
    shown = (start > 0 ? "…" : "") + shown.slice(start, start + MAX_QUOTED_LINE) + "…";
    col = col - start + (start > 0 ? 1 : 0);
  }
  // Control characters and Unicode line breaks would garble the terminal or move the caret.
  shown = shown.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, "?");
  const width = span.endLine === span.line ? Math.max(1, span.endCol - span.col) : Math.max(1, shown.length - col + 1);
  const caret = " ".repeat(Math.max(0, col - 1)) + "^" + "~".repeat(Math.min(width, MAX_QUOTED_LINE) - 1);
  return [`  ${shown}`, `  ${caret}`];
}

/** The closest candidate by edit distance, for "did you mean". */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  // A one-letter name is as close to every other one-letter name: only a change of case counts.
  const limit = name.length === 1 ? 0 : Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDist <= limit ? best : undefined;
}

/** Edit distance where swapping two neighbours counts as one edit (dpeth -> depth). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
