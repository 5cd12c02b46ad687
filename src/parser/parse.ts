// Text -> AST, with every lexical and syntax error collected as a diagnostic (the parser
// recovers and goes on, so one run reports several errors).
import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import { EOF } from "chevrotain";
import { didYouMean, error, type Diagnostic, type Span } from "../diagnostics.js";
import type { Comment, Expr, SourceFile } from "./ast.js";
import { parser } from "./grammar.js";
import { cstToDecls, cstToExpr, tokenSpan } from "./to-ast.js";
import * as T from "./tokens.js";

/**
 * Expressions nested deeper than this (brackets, calls, and chains of unary minus, `**` and `if`
 * that the grammar parses by recursion) are refused before parsing, so no input overflows the
 * stack of the parser, the elaborator or the formatter. Real models nest a few levels.
 */
export const MAX_NESTING = 64;
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

function offsetSpan(file: string, line: number | undefined, col: number | undefined, offset: number, length: number): Span {
  const l = line ?? 1;
  const c = col ?? 1;
  return { file, line: l, col: c, endLine: l, endCol: c + Math.max(1, length), offset, endOffset: offset + length };
}

/**
 * Estimates how deep the parser will recurse, without recursing: each open bracket is a level, and
 * so is each pending unary minus, `**` or `if` (the grammar parses these by recursion). A chain of
 * unary minus and `**` unwinds at the next looser operator; an `if` chain at a `,`, a closing
 * bracket or the next statement.
 */
function checkNesting(tokens: readonly IToken[], file: string): Diagnostic | undefined {
  // `repeat` is set when a level has just seen `repeat`, `callee` once its count is closed: the
  // name after `repeat(n)` continues the expression rather than starting a statement.
  const levels: { unary: number; ifs: number; repeat?: "count" | "callee" }[] = [{ unary: 0, ifs: 0 }];
  let depth = 0;
  let prev: TokenType | undefined;
  for (const t of tokens) {
    const type = t.tokenType;
    let level = levels[levels.length - 1]!;
    const afterOperand = prev !== undefined && OPERAND_ENDS.has(prev);
    const endChains = (ifsToo: boolean) => {
      depth -= level.unary;
      level.unary = 0;
      if (ifsToo) {
        depth -= level.ifs;
        level.ifs = 0;
      }
    };
    if (type === T.LParen || type === T.LBracket || type === T.LCurly) {
      depth++;
      levels.push({ unary: 0, ifs: 0 });
    } else if (type === T.RParen || type === T.RBracket || type === T.RCurly) {
      endChains(true);
      if (levels.length > 1) {
        levels.pop();
        depth--;
        level = levels[levels.length - 1]!;
        if (level.repeat === "count") level.repeat = "callee";
      }
    } else if (type === T.Repeat) {
      level.repeat = "count";
    } else if (type === T.StarStar || (type === T.Minus && !afterOperand)) {
      depth++;
      level.unary++;
    } else if (type === T.If) {
      depth++;
      level.ifs++;
    } else if (type === T.Identifier && level.repeat === "callee") {
      delete level.repeat;
    } else if (type === T.Comma || type === T.Equals || type === T.Colon || (afterOperand && STATEMENT_STARTS.has(type))) {
      endChains(true);
    } else if (CHAIN_ENDS.has(type) || type === T.Minus) {
      endChains(false);
    }
    prev = type;
    if (depth > MAX_NESTING) {
      return error(`expression nested too deeply (more than ${MAX_NESTING} levels); split it with let-bindings`, tokenSpan(file, t));
    }
  }
  return undefined;
}

/** Tokens after which a `-` is binary, and after which a name or keyword starts a new statement. */
const OPERAND_ENDS: ReadonlySet<TokenType> = new Set([T.Identifier, T.NumberLiteral, T.True, T.False, T.RParen, T.RBracket]);
const STATEMENT_STARTS: ReadonlySet<TokenType> = new Set([
  T.Identifier,
  T.Input,
  T.Target,
  T.Param,
  T.Output,
  T.Loss,
  T.Return,
  T.Train,
  T.Model,
  T.Block,
]);
/** Binary operators looser than unary minus and `**`, and the parts of an `if`: a unary chain ends there. */
const CHAIN_ENDS: ReadonlySet<TokenType> = new Set([
  T.Plus,
  T.Star,
  T.Slash,
  T.At,
  T.EqEq,
  T.NotEq,
  T.Less,
  T.LessEq,
  T.Greater,
  T.GreaterEq,
  T.Then,
  T.Else,
]);

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
const EXPRESSION_RULES = new Set(["expr", "ifExpr", "comparison", "additive", "multiplicative", "unary", "power", "primary"]);

function syntaxError(e: IRecognitionException, file: string): Diagnostic {
  const t = e.token;
  const prev = (e as { previousToken?: IToken }).previousToken;
  // At end of input chevrotain reports an EOF token without a position: point after the last token.
  const span = t.tokenType === EOF || Number.isNaN(t.startOffset) ? spanAfter(file, prev) : tokenSpan(file, t);
  const rule = e.context.ruleStack[e.context.ruleStack.length - 1];
  const expectedName = /-->\s*(\w+)\s*<--/.exec(e.message)?.[1];
  const expected = expectedName === "EOF" ? EOF : T.allTokens.find((tt) => tt.name === expectedName);
  let message: string;
  if (e.name === "NotAllInputParsedException" || (e.name === "MismatchedTokenException" && expected === EOF)) {
    message = `unexpected ${found(t)}; expected 'model' or 'block' (statements go inside a model's { ... })`;
  } else if (e.name === "MismatchedTokenException" && rule === "letStmt" && expected === T.Equals && prev?.tokenType === T.Identifier) {
    // `parm W: [3] = zeros` parses as the start of a binding named `parm`.
    const guess = didYouMean(prev.image, STATEMENT_WORDS);
    if (guess) return error(`unknown statement '${prev.image}'; did you mean '${guess}'?`, tokenSpan(file, prev));
    message = `expected '=' but found ${found(t)}; a statement is input, target, param, output, loss, train or name = value`;
  } else if (e.name === "MismatchedTokenException" && rule === "body" && expected === T.RCurly) {
    message =
      t.tokenType === T.Block || t.tokenType === T.Model
        ? `expected '}' before ${found(t)}; a ${t.image} is declared at the top level, not inside a model or block`
        : t.tokenType === EOF
          ? `expected '}' but found end of file`
          : `unexpected ${found(t)}; expected a statement (input, target, param, output, loss, train, name = value) or '}'`;
  } else if (e.name === "MismatchedTokenException") {
    message = `expected ${expected ? describe(expected) : "something else"} but found ${found(t)}`;
  } else if (rule !== undefined && EXPRESSION_RULES.has(rule)) {
    message = t.tokenType === EOF ? `expected an expression but found end of file` : `expected an expression but found ${found(t)}`;
  } else {
    message = `unexpected ${found(t)}`;
  }
  if (t.tokenType === T.Identifier) {
    const guess = didYouMean(t.image, STATEMENT_WORDS);
    if (guess && guess !== t.image) message += ` (did you mean '${guess}'?)`;
  }
  return error(message, span);
}

/**
 * Chevrotain's recovery resynchronizes and goes on, but in a language without statement
 * terminators its guesses often produce follow-on errors. An error is a cascade when its token, or
 * the token before it, is on a line that already has an error (or tokens skipped by recovery); an
 * "expected end of file" after another error is an unbalanced brace's echo. The lines of cascades
 * count too, so a chain of them is dropped whole; the next clean line ends it.
 */
function withoutCascades(errors: readonly IRecognitionException[]): IRecognitionException[] {
  const kept: IRecognitionException[] = [];
  const lines = new Set<number>();
  const taint = (t: IToken | undefined) => {
    if (t?.startLine !== undefined && !Number.isNaN(t.startLine)) lines.add(t.startLine);
  };
  for (const e of errors) {
    const prev = (e as { previousToken?: IToken }).previousToken;
    const atTopLevel = e.name === "NotAllInputParsedException" || e.context.ruleStack.length <= 1;
    const onBadLine = [e.token, prev].some((t) => t?.startLine !== undefined && lines.has(t.startLine));
    if (!onBadLine && !(atTopLevel && kept.length > 0)) kept.push(e);
    taint(e.token);
    for (const t of e.resyncedTokens) taint(t);
  }
  return kept;
}

function spanAfter(file: string, prev: IToken | undefined): Span {
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
