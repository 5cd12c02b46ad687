// The declaration and statement rules of the .nn grammar (see the EBNF in grammar.ts).
import * as T from "../tokens.js";
import type { GrammarDsl, Rule } from "./dsl.js";
import type { ExpressionRules } from "./expressions.js";

export interface DeclarationRules {
  readonly file: Rule;
}

export function declarationRules($: GrammarDsl, { expr, exprList }: ExpressionRules): DeclarationRules {
  const file = $.RULE("file", () => {
    $.MANY(() => {
      $.OR([{ ALT: () => $.SUBRULE(model) }, { ALT: () => $.SUBRULE(block) }]);
    });
  });

  const model = $.RULE("model", () => {
    $.CONSUME(T.Model);
    $.CONSUME(T.Identifier);
    $.OPTION(() => {
      $.CONSUME(T.LParen);
      $.OPTION2(() => $.SUBRULE(formals));
      $.CONSUME(T.RParen);
    });
    $.SUBRULE(body);
  });

  const block = $.RULE("block", () => {
    $.CONSUME(T.Block);
    $.CONSUME(T.Identifier);
    $.CONSUME(T.LParen);
    $.OPTION(() => $.SUBRULE(formals));
    $.CONSUME(T.RParen);
    $.SUBRULE(body);
  });

  const body = $.RULE("body", () => {
    $.CONSUME(T.LCurly);
    $.MANY(() => $.SUBRULE(stmt));
    $.CONSUME(T.RCurly);
  });

  const formals = $.RULE("formals", () => {
    $.SUBRULE(formal);
    $.MANY({
      GATE: () => $.LA(2).tokenType === T.Identifier,
      DEF: () => {
        $.CONSUME(T.Comma);
        $.SUBRULE2(formal);
      },
    });
    $.OPTION(() => $.CONSUME2(T.Comma));
  });

  const formal = $.RULE("formal", () => {
    $.CONSUME(T.Identifier);
    $.OPTION(() => {
      $.CONSUME(T.Colon);
      $.SUBRULE(shape);
    });
    $.OPTION2(() => {
      $.CONSUME(T.Equals);
      $.SUBRULE(expr);
    });
  });

  const stmt = $.RULE("stmt", () => {
    $.OR([
      { ALT: () => $.SUBRULE(inputStmt) },
      { ALT: () => $.SUBRULE(targetStmt) },
      { ALT: () => $.SUBRULE(paramStmt) },
      { ALT: () => $.SUBRULE(outputStmt) },
      { ALT: () => $.SUBRULE(lossStmt) },
      { ALT: () => $.SUBRULE(returnStmt) },
      { ALT: () => $.SUBRULE(trainStmt) },
      { ALT: () => $.SUBRULE(letStmt) },
    ]);
  });

  const inputStmt = $.RULE("inputStmt", () => {
    $.CONSUME(T.Input);
    $.CONSUME(T.Identifier);
    $.CONSUME(T.Colon);
    $.SUBRULE(shape);
  });

  const targetStmt = $.RULE("targetStmt", () => {
    $.CONSUME(T.Target);
    $.CONSUME(T.Identifier, { LABEL: "name" });
    $.CONSUME(T.Colon);
    $.OPTION(() => $.CONSUME2(T.Identifier, { LABEL: "encoding" }));
    $.SUBRULE(shape);
  });

  const paramStmt = $.RULE("paramStmt", () => {
    $.CONSUME(T.Param);
    $.CONSUME(T.Identifier);
    $.CONSUME(T.Colon);
    $.SUBRULE(shape);
    $.CONSUME(T.Equals);
    $.SUBRULE(expr);
  });

  const outputStmt = $.RULE("outputStmt", () => {
    $.CONSUME(T.Output);
    $.CONSUME(T.Identifier);
    $.OPTION(() => {
      $.CONSUME(T.Equals);
      $.SUBRULE(expr);
    });
  });

  const lossStmt = $.RULE("lossStmt", () => {
    $.CONSUME(T.Loss);
    $.SUBRULE(expr);
  });

  const returnStmt = $.RULE("returnStmt", () => {
    $.CONSUME(T.Return);
    $.SUBRULE(expr);
  });

  const trainStmt = $.RULE("trainStmt", () => {
    $.CONSUME(T.Train);
    $.CONSUME(T.LCurly);
    $.MANY(() => $.SUBRULE(setting));
    $.CONSUME(T.RCurly);
  });

  const setting = $.RULE("setting", () => {
    $.CONSUME(T.Identifier);
    $.CONSUME(T.Equals);
    $.SUBRULE(expr);
  });

  const letStmt = $.RULE("letStmt", () => {
    $.CONSUME(T.Identifier);
    $.CONSUME(T.Equals);
    $.SUBRULE(expr);
  });

  const shape = $.RULE("shape", () => {
    $.CONSUME(T.LBracket);
    $.SUBRULE(exprList);
    $.CONSUME(T.RBracket);
  });

  return { file };
}
