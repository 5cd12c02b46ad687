// Syntax errors as a person reads them: chevrotain's exceptions turned into messages that name
// what was expected in words (`expected ')' but found '}'`), with the follow-on errors of its
// recovery dropped.
import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import { EOF } from "./chevrotain.js";
import { didYouMean, error, type Diagnostic } from "../diagnostics.js";
import { spanAfter, tokenSpan } from "./spans.js";
import * as T from "./tokens.js";

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

export function found(t: IToken): string {
  if (t.tokenType === EOF) return "end of file";
  const img = t.image.length > 20 ? t.image.slice(0, 20) + "…" : t.image;
  return `'${img}'`;
}

const STATEMENT_WORDS = ["input", "target", "param", "output", "loss", "return", "train", "model", "block"];
const EXPRESSION_RULES = new Set(["expr", "ifExpr", "comparison", "additive", "multiplicative", "unary", "power", "primary"]);

export function syntaxError(e: IRecognitionException, file: string): Diagnostic {
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
export function withoutCascades(errors: readonly IRecognitionException[]): IRecognitionException[] {
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
