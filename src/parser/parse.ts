// Text -> AST, with every lexical and syntax error collected as a diagnostic (the parser
// recovers and goes on, so one run reports several errors).
import type { IToken } from "chevrotain";
import { didYouMean, error, type Diagnostic, type Span } from "../diagnostics.js";
import type { Comment, Expr, SourceFile } from "./ast.js";
import { parser } from "./grammar.js";
import { checkNesting } from "./nesting.js";
import { offsetSpan, tokenSpan } from "./spans.js";
import { found, syntaxError, withoutCascades } from "./syntax-errors.js";
import { cstToDecls, cstToExpr } from "./to-ast.js";
import * as T from "./tokens.js";

export { MAX_NESTING } from "./nesting.js";

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

  const parsed = guardStack(lexed.tokens, file, () => {
    parser.input = lexed.tokens;
    const cst = parser.file();
    return { cst, errors: parser.errors };
  });
  if (!parsed.ok) return { diagnostics: [...diagnostics, parsed.diagnostic] };
  // A bad character already explains the syntax errors on its line.
  const lexLines = new Set(diagnostics.map((d) => d.span?.line));
  const syntax = withoutCascades(parsed.value.errors).filter((e) => !lexLines.has(e.token.startLine));
  for (const e of syntax.slice(0, MAX_ERRORS)) diagnostics.push(syntaxError(e, file));
  const comments: Comment[] = (lexed.groups.comments ?? []).map((t) => ({ text: t.image, span: tokenSpan(file, t) }));
  if (diagnostics.length > 0) return { diagnostics };

  const built = guardStack(lexed.tokens, file, () => cstToDecls(file, parsed.value.cst));
  if (!built.ok) return { diagnostics: [built.diagnostic] };
  const decls = built.value;
  const end = endPosition(text);
  const span: Span = { file, line: 1, col: 1, offset: 0, endLine: end.line, endCol: end.col, endOffset: text.length };
  const ast: SourceFile = { kind: "file", file, decls, comments, span };
  return { ast, diagnostics: checkTargets(ast) };
}

/** One expression on its own, such as the value of `--set width=100`. */
export function parseExpression(text: string, file: string): { expr?: Expr; diagnostics: readonly Diagnostic[] } {
  const lexed = T.lexer.tokenize(text);
  if (lexed.errors.length > 0) return { diagnostics: [error(`unexpected character in ${JSON.stringify(text)}`)] };
  if (lexed.tokens.length === 0) return { diagnostics: [error(`expected a value, got nothing`)] };
  const nesting = checkNesting(lexed.tokens, file);
  if (nesting) return { diagnostics: [nesting] };
  const parsed = guardStack(lexed.tokens, file, () => {
    parser.input = lexed.tokens;
    const cst = parser.expr();
    return { cst, errors: parser.errors };
  });
  if (!parsed.ok) return { diagnostics: [parsed.diagnostic] };
  const [first] = parsed.value.errors;
  if (first) {
    const message =
      first.name === "NotAllInputParsedException" ? `unexpected ${found(first.token)} after the value` : syntaxError(first, file).message;
    return { diagnostics: [error(message)] };
  }
  return { expr: cstToExpr(file, parsed.value.cst), diagnostics: [] };
}

type Guarded<T> = { ok: true; value: T } | { ok: false; diagnostic: Diagnostic };

/** The nesting check keeps recursion shallow; should the stack still run out, say so cleanly. */
function guardStack<T>(tokens: readonly IToken[], file: string, f: () => T): Guarded<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const at = tokens[0];
    return { ok: false, diagnostic: error(`expression nested too deeply; split it with let-bindings`, at && tokenSpan(file, at)) };
  }
}

function endPosition(text: string): { line: number; col: number } {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length, col: (lines[lines.length - 1] ?? "").length + 1 };
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
