// A forgiving scanner for the editor: it turns any text, however half-typed, into tokens with
// offsets, and never fails (an unknown character becomes an "other" token). Completion and
// semantic tokens work from it, because the parser gives no AST for a file with a syntax error.

export type TokenKind = "ident" | "keyword" | "number" | "comment" | "punct" | "other";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
}

/** The .nn language's keywords (the parser's token table has the same words). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  "model",
  "block",
  "input",
  "target",
  "param",
  "output",
  "loss",
  "return",
  "train",
  "repeat",
  "if",
  "then",
  "else",
  "true",
  "false",
]);

const PATTERN = /([A-Za-z_][A-Za-z0-9_]*)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(#[^\n\r]*)|(\*\*|==|!=|<=|>=|[-+*/@<>=()[\]{},:])|(\S)/g;

export function scan(text: string): Token[] {
  const tokens: Token[] = [];
  PATTERN.lastIndex = 0;
  for (let m = PATTERN.exec(text); m !== null; m = PATTERN.exec(text)) {
    const [whole, ident, num, comment, punct] = m;
    let kind: TokenKind = "other";
    if (ident !== undefined) kind = KEYWORDS.has(ident) ? "keyword" : "ident";
    else if (num !== undefined) kind = "number";
    else if (comment !== undefined) kind = "comment";
    else if (punct !== undefined) kind = "punct";
    tokens.push({ kind, text: whole, offset: m.index });
  }
  return tokens;
}

/** The identifier (or keyword) around `offset`, with where it starts: for hover and completion. */
export function wordAt(text: string, offset: number): { word: string; start: number } | undefined {
  let start = offset;
  while (start > 0 && /\w/.test(text[start - 1]!)) start--;
  let end = offset;
  while (end < text.length && /\w/.test(text[end]!)) end++;
  const word = text.slice(start, end);
  return /^[A-Za-z_]\w*$/.test(word) ? { word, start } : undefined;
}
