// The expression rules of the .nn grammar, loosest binding first (see the EBNF in grammar.ts).
import * as T from "../tokens.js";
import type { GrammarDsl, Rule } from "./dsl.js";

export interface ExpressionRules {
  readonly expr: Rule;
  /** Comma-separated expressions, a trailing comma allowed: list items and shape dimensions. */
  readonly exprList: Rule;
  /** A call's arguments. */
  readonly args: Rule;
}

export function expressionRules($: GrammarDsl): ExpressionRules {
  const exprList = $.RULE("exprList", () => {
    $.OPTION(() => {
      $.SUBRULE(expr);
      $.MANY({
        GATE: () => $.LA(2).tokenType !== T.RBracket,
        DEF: () => {
          $.CONSUME(T.Comma);
          $.SUBRULE2(expr);
        },
      });
      $.OPTION2(() => $.CONSUME2(T.Comma));
    });
  });

  const expr = $.RULE("expr", () => {
    $.OR([{ ALT: () => $.SUBRULE(ifExpr) }, { ALT: () => $.SUBRULE(comparison) }]);
  });

  const ifExpr = $.RULE("ifExpr", () => {
    $.CONSUME(T.If);
    $.SUBRULE(expr, { LABEL: "cond" });
    $.CONSUME(T.Then);
    $.SUBRULE2(expr, { LABEL: "then" });
    $.CONSUME(T.Else);
    $.SUBRULE3(expr, { LABEL: "else" });
  });

  const comparison = $.RULE("comparison", () => {
    $.SUBRULE(additive, { LABEL: "lhs" });
    $.OPTION(() => {
      $.CONSUME(T.CompareOp);
      $.SUBRULE2(additive, { LABEL: "rhs" });
    });
  });

  const additive = $.RULE("additive", () => {
    $.SUBRULE(multiplicative, { LABEL: "operands" });
    $.MANY(() => {
      $.CONSUME(T.AdditiveOp);
      $.SUBRULE2(multiplicative, { LABEL: "operands" });
    });
  });

  const multiplicative = $.RULE("multiplicative", () => {
    $.SUBRULE(unary, { LABEL: "operands" });
    $.MANY(() => {
      $.CONSUME(T.MultiplicativeOp);
      $.SUBRULE2(unary, { LABEL: "operands" });
    });
  });

  const unary = $.RULE("unary", () => {
    $.OR([
      {
        ALT: () => {
          $.CONSUME(T.Minus);
          $.SUBRULE(unary);
        },
      },
      { ALT: () => $.SUBRULE(power) },
    ]);
  });

  const power = $.RULE("power", () => {
    $.SUBRULE(primary);
    $.OPTION(() => {
      $.CONSUME(T.StarStar);
      $.SUBRULE(unary);
    });
  });

  const primary = $.RULE("primary", () => {
    $.OR([
      { ALT: () => $.CONSUME(T.NumberLiteral) },
      { ALT: () => $.CONSUME(T.True) },
      { ALT: () => $.CONSUME(T.False) },
      { ALT: () => $.SUBRULE(parenExpr) },
      { ALT: () => $.SUBRULE(listExpr) },
      { ALT: () => $.SUBRULE(repeatExpr) },
      { ALT: () => $.SUBRULE(nameOrCall) },
    ]);
  });

  const parenExpr = $.RULE("parenExpr", () => {
    $.CONSUME(T.LParen);
    $.SUBRULE(expr);
    $.CONSUME(T.RParen);
  });

  const listExpr = $.RULE("listExpr", () => {
    $.CONSUME(T.LBracket);
    $.SUBRULE(exprList);
    $.CONSUME(T.RBracket);
  });

  const repeatExpr = $.RULE("repeatExpr", () => {
    $.CONSUME(T.Repeat);
    $.CONSUME(T.LParen);
    $.SUBRULE(expr);
    $.CONSUME(T.RParen);
    $.CONSUME(T.Identifier);
    $.CONSUME2(T.LParen);
    $.OPTION(() => $.SUBRULE(args));
    $.CONSUME2(T.RParen);
  });

  const nameOrCall = $.RULE("nameOrCall", () => {
    $.CONSUME(T.Identifier);
    $.OPTION(() => {
      $.CONSUME(T.LParen);
      $.OPTION2(() => $.SUBRULE(args));
      $.CONSUME(T.RParen);
    });
  });

  const args = $.RULE("args", () => {
    $.SUBRULE(arg);
    $.MANY({
      GATE: () => $.LA(2).tokenType !== T.RParen,
      DEF: () => {
        $.CONSUME(T.Comma);
        $.SUBRULE2(arg);
      },
    });
    $.OPTION(() => $.CONSUME2(T.Comma));
  });

  const arg = $.RULE("arg", () => {
    $.OPTION({
      GATE: () => $.LA(2).tokenType === T.Equals,
      DEF: () => {
        $.CONSUME(T.Identifier, { LABEL: "name" });
        $.CONSUME(T.Equals);
      },
    });
    $.SUBRULE(expr);
  });

  return { expr, exprList, args };
}
