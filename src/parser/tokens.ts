// The token table of the .nn language: one `allTokens` array, in matching order. Operator groups
// are token categories, so the grammar matches `AdditiveOp` rather than listing `+` and `-`.
import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

const keyword = (word: string): TokenType =>
  createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: word, longer_alt: Identifier });

export const Model = keyword("model");
export const Block = keyword("block");
export const Input = keyword("input");
export const Target = keyword("target");
export const Param = keyword("param");
export const Output = keyword("output");
export const Loss = keyword("loss");
export const Return = keyword("return");
export const Train = keyword("train");
export const Repeat = keyword("repeat");
export const If = keyword("if");
export const Then = keyword("then");
export const Else = keyword("else");
export const True = keyword("true");
export const False = keyword("false");

/** Keywords, for "did you mean" and for the formatter. */
export const keywords = [Model, Block, Input, Target, Param, Output, Loss, Return, Train, Repeat, If, Then, Else, True, False];

export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/,
});

export const AdditiveOp = createToken({ name: "AdditiveOp", pattern: Lexer.NA });
export const MultiplicativeOp = createToken({ name: "MultiplicativeOp", pattern: Lexer.NA });
export const CompareOp = createToken({ name: "CompareOp", pattern: Lexer.NA });

export const Plus = createToken({ name: "Plus", pattern: "+", categories: AdditiveOp });
export const Minus = createToken({ name: "Minus", pattern: "-", categories: AdditiveOp });
export const StarStar = createToken({ name: "StarStar", pattern: "**" });
export const Star = createToken({ name: "Star", pattern: "*", categories: MultiplicativeOp });
export const Slash = createToken({ name: "Slash", pattern: "/", categories: MultiplicativeOp });
export const At = createToken({ name: "At", pattern: "@", categories: MultiplicativeOp });
export const EqEq = createToken({ name: "EqEq", pattern: "==", categories: CompareOp });
export const NotEq = createToken({ name: "NotEq", pattern: "!=", categories: CompareOp });
export const LessEq = createToken({ name: "LessEq", pattern: "<=", categories: CompareOp });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: ">=", categories: CompareOp });
export const Less = createToken({ name: "Less", pattern: "<", categories: CompareOp });
export const Greater = createToken({ name: "Greater", pattern: ">", categories: CompareOp });
export const Equals = createToken({ name: "Equals", pattern: "=" });
export const LParen = createToken({ name: "LParen", pattern: "(" });
export const RParen = createToken({ name: "RParen", pattern: ")" });
export const LBracket = createToken({ name: "LBracket", pattern: "[" });
export const RBracket = createToken({ name: "RBracket", pattern: "]" });
export const LCurly = createToken({ name: "LCurly", pattern: "{" });
export const RCurly = createToken({ name: "RCurly", pattern: "}" });
export const Comma = createToken({ name: "Comma", pattern: "," });
export const Colon = createToken({ name: "Colon", pattern: ":" });

export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v]+/, group: Lexer.SKIPPED });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  ...keywords,
  Identifier,
  NumberLiteral,
  AdditiveOp,
  MultiplicativeOp,
  CompareOp,
  Plus,
  Minus,
  StarStar,
  Star,
  Slash,
  At,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
  RCurly,
  Comma,
  Colon,
];

export const lexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });
