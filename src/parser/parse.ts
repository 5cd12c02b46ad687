// Text -> AST, with every lexical and syntax error collected as a diagnostic (the parser
// recovers and goes on, so one run reports several errors).
import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import { EOF } from "chevrotain";
import { didYouMean, error, type Diagnostic, type Span } from "../diagnostics.js";
import type { Comment, Expr, SourceFile } from "./ast.js";
import { parser } from "./grammar.js";
import { cstToDecls, cstToExpr, tokenSpan } from "./to-ast.js";
import * as T from "./tokens.js";

/** Brackets nested deeper than this are refused before parsing, so no input overflows the stack. */
export const MAX_NESTING = 200;
const MAX_ERRORS = 20;

export interface ParseResult {
  readonly ast?: SourceFile;
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(text: string, file: string): ParseResult {
  const lexed = T.lexer.tokenize(text);
  const diagnostics: Diagnostic[] = lexed.errors.slice(0, MAX_ERRORS).map((e) => {
    const ch = text.slice(e.offset, e.offset + e.length);
    const shown = ch.length > 20 ? ch.slice(0, 20) + "…" : ch;
    return error(`unexpected character ${JSON.stringify(shown)}`, offsetSpan(file, e.line, e.column, e.offset, e.length));
  });
  const nesting = checkNesting(lexed.tokens, file);
  if (nesting) return { diagnostics: [...diagnostics, nesting] };

  parser.input = lexed.tokens;
  const cst = parser.file();
  for (const e of parser.errors.slice(0, MAX_ERRORS)) diagnostics.push(syntaxError(e, file));
  const comments: Comment[] = (lexed.groups.comments ?? []).map((t) => ({ text: t.image, span: tokenSpan(file, t) }));
  if (diagnostics.length > 0) return { diagnostics };

  const decls = cstToDecls(file, cst);
  const end = endPosition(text);
  const span: Span = { file, line: 1, col: 1, offset: 0, endLine: end.line, endCol: end.col, endOffset: text.length };
  const ast: SourceFile = { kind: "file", file, decls, comments, span };
  return { ast, diagnostics: checkTargets(ast) };
}

/** One expression on its own, such as the value of `--set width=100`. */
export function parseExpression(text: string, file: string): { expr?: Expr; diagnostics: readonly Diagnostic[] } {
  const lexed = T.lexer.tokenize(text);
  if (lexed.errors.length > 0) return { diagnostics: [error(`unexpected character in ${JSON.stringify(text)}`)] };
  const nesting = checkNesting(lexed.tokens, file);
  if (nesting) return { diagnostics: [nesting] };
  parser.input = lexed.tokens;
  const cst = parser.expr();
  const errors = parser.errors.map((e) => syntaxError(e, file));
  if (lexed.tokens.length === 0) errors.push(error(`expected a value, got nothing`));
  if (errors.length > 0) return { diagnostics: errors };
  return { expr: cstToExpr(file, cst), diagnostics: [] };
}

function endPosition(text: string): { line: number; col: number } {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length, col: (lines[lines.length - 1] ?? "").length + 1 };
}

function offsetSpan(file: string, line: number | undefined, col: number | undefined, offset: number, length: number): Span {
  const l = line ?? 1;
  const c = col ?? 1;
  return { file, line: l, col: c, endLine: l, endCol: c + Math.max(1, length), offset, endOffset: offset + length };
}

function checkNesting(tokens: readonly IToken[], file: string): Diagnostic | undefined {
  let depth = 0;
  let unary = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === T.LParen || type === T.LBracket || type === T.LCurly) depth++;
    else if (type === T.RParen || type === T.RBracket || type === T.RCurly) depth = Math.max(0, depth - 1);
    // Chains of unary minus and `**` recurse too.
    unary = type === T.Minus || type === T.StarStar ? unary + 1 : 0;
    if (depth > MAX_NESTING || unary > MAX_NESTING) {
      return error(`expression nested too deeply (more than ${MAX_NESTING} levels); split it with let-bindings`, tokenSpan(file, t));
    }
  }
  return undefined;
}

/** How a token type reads in a message: `'}'`, `a name`, `'model'`. */
function describe(type: TokenType): string {
  if (type === EOF) return "end of file";
  if (type === T.Identifier) return "a name";
  if (type === T.NumberLiteral) return "a number";
  if (type === T.AdditiveOp) return "'+' or '-'";
  if (type === T.MultiplicativeOp) return "'*', '/' or '@'";
  if (type === T.CompareOp) return "a comparison";
  const pattern = type.PATTERN;
  return typeof pattern === "string" ? `'${pattern}'` : type.name;
}

function found(t: IToken): string {
  if (t.tokenType === EOF) return "end of file";
  const img = t.image.length > 20 ? t.image.slice(0, 20) + "…" : t.image;
  return `'${img}'`;
}

const STATEMENT_WORDS = ["input", "target", "param", "output", "loss", "return", "train", "model", "block"];

function syntaxError(e: IRecognitionException, file: string): Diagnostic {
  const t = e.token;
  // At end of input chevrotain reports an EOF token without a position: point after the last token.
  const span =
    t.tokenType === EOF || Number.isNaN(t.startOffset)
      ? spanAfter(file, (e as { previousToken?: IToken }).previousToken)
      : tokenSpan(file, t);
  let message: string;
  if (e.name === "MismatchedTokenException") {
    const expected = /-->\s*(\w+)\s*<--/.exec(e.message)?.[1];
    const type = T.allTokens.find((tt) => tt.name === expected);
    message = `expected ${type ? describe(type) : "something else"} but found ${found(t)}`;
  } else if (e.name === "NotAllInputParsedException") {
    message = `unexpected ${found(t)}; expected 'model' or 'block'`;
  } else {
    message = `unexpected ${found(t)}`;
  }
  if (t.tokenType === T.Identifier) {
    const guess = didYouMean(t.image, STATEMENT_WORDS);
    if (guess && guess !== t.image) message += ` (did you mean '${guess}'?)`;
  }
  return error(message, span);
}

function spanAfter(file: string, prev: IToken | undefined): Span {
  if (!prev || Number.isNaN(prev.startOffset)) return offsetSpan(file, 1, 1, 0, 1);
  const s = tokenSpan(file, prev);
  return { file, line: s.endLine, col: s.endCol, endLine: s.endLine, endCol: s.endCol + 1, offset: s.endOffset, endOffset: s.endOffset + 1 };
}

function checkTargets(ast: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of ast.decls) {
    for (const s of d.body) {
      if (s.kind === "target" && !["onehot", "index", "real"].includes(s.encoding)) {
        const guess = didYouMean(s.encoding, ["onehot", "index"]);
        out.push(
          error(
            `unknown target encoding '${s.encoding}': use onehot[batch, classes], index[batch] or a plain shape${guess ? ` (did you mean '${guess}'?)` : ""}`,
            s.span,
          ),
        );
      }
    }
  }
  return out;
}
