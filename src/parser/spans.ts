// Spans of tokens and CST nodes. chevrotain's lines and columns are 1-based and its ends
// inclusive; a Span's ends are exclusive.
import type { CstNodeLocation, IToken } from "chevrotain";
import type { Span } from "../diagnostics.js";

/** What tokens and CST node locations have in common: chevrotain's 1-based, inclusive positions. */
interface Located {
  readonly startOffset: number;
  readonly startLine?: number;
  readonly startColumn?: number;
  readonly endOffset?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

function spanOf(file: string, at: Located): Span {
  return {
    file,
    line: at.startLine ?? 1,
    col: at.startColumn ?? 1,
    endLine: at.endLine ?? at.startLine ?? 1,
    endCol: (at.endColumn ?? at.startColumn ?? 1) + 1,
    offset: at.startOffset,
    endOffset: (at.endOffset ?? at.startOffset) + 1,
  };
}

export function tokenSpan(file: string, t: IToken): Span {
  return spanOf(file, t);
}

export function locationSpan(file: string, loc: CstNodeLocation): Span {
  return spanOf(file, loc);
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
