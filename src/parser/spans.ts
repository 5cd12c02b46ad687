// Spans of tokens and CST nodes. chevrotain's lines and columns are 1-based and its ends
// inclusive; a Span's ends are exclusive.
import type { CstNodeLocation, IToken } from "chevrotain";
import type { Span } from "../diagnostics.js";

export function tokenSpan(file: string, t: IToken): Span {
  return {
    file,
    line: t.startLine ?? 1,
    col: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1,
    endCol: (t.endColumn ?? t.startColumn ?? 1) + 1,
    offset: t.startOffset,
    endOffset: (t.endOffset ?? t.startOffset) + 1,
  };
}

export function locationSpan(file: string, loc: CstNodeLocation): Span {
  return {
    file,
    line: loc.startLine ?? 1,
    col: loc.startColumn ?? 1,
    endLine: loc.endLine ?? loc.startLine ?? 1,
    endCol: (loc.endColumn ?? loc.startColumn ?? 1) + 1,
    offset: loc.startOffset,
    endOffset: (loc.endOffset ?? loc.startOffset) + 1,
  };
}

/** The end fields of a span, to be spread over a start span. */
export function endOf(s: Span): Pick<Span, "endLine" | "endCol" | "endOffset"> {
  return { endLine: s.endLine, endCol: s.endCol, endOffset: s.endOffset };
}

/** A span of `length` characters (at least one) from a lexer position. */
export function offsetSpan(file: string, line: number | undefined, col: number | undefined, offset: number, length: number): Span {
  const l = line ?? 1;
  const c = col ?? 1;
  return { file, line: l, col: c, endLine: l, endCol: c + Math.max(1, length), offset, endOffset: offset + length };
}

/** The character just after a token (where end of input is reported); the file's start without one. */
export function spanAfter(file: string, prev: IToken | undefined): Span {
  if (!prev || Number.isNaN(prev.startOffset)) return offsetSpan(file, 1, 1, 0, 1);
  const s = tokenSpan(file, prev);
  return {
    file,
    line: s.endLine,
    col: s.endCol,
    endLine: s.endLine,
    endCol: s.endCol + 1,
    offset: s.endOffset,
    endOffset: s.endOffset + 1,
  };
}
