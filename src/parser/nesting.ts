// How deep an expression nests, checked on the tokens before parsing: the grammar parses brackets,
// unary minus, `**` and `if` by recursion, and too deep an input would overflow the stack.
import type { IToken, TokenType } from "chevrotain";
import { error, type Diagnostic } from "../diagnostics.js";
import { tokenSpan } from "./spans.js";
import * as T from "./tokens.js";

/**
 * Expressions nested deeper than this (brackets, calls, and chains of unary minus, `**` and `if`
 * that the grammar parses by recursion) are refused before parsing, so no input overflows the
 * stack of the parser, the elaborator or the formatter. Real models nest a few levels.
 */
export const MAX_NESTING = 64;

/**
 * Estimates how deep the parser will recurse, without recursing: each open bracket is a level, and
 * so is each pending unary minus, `**` or `if` (the grammar parses these by recursion). A chain of
 * unary minus and `**` unwinds at the next looser operator; an `if` chain at a `,`, a closing
 * bracket or the next statement.
 */
export function checkNesting(tokens: readonly IToken[], file: string): Diagnostic | undefined {
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
