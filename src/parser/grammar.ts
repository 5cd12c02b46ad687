// The .nn grammar: a pure chevrotain CstParser (rules as class fields, no actions). The AST is
// built from its CST by `to-ast.ts`. EBNF, loosest binding first for expressions:
//
//   file       := (model | block)*
//   model      := 'model' Ident ('(' formals? ')')? '{' stmt* '}'
//   block      := 'block' Ident '(' formals? ')' '{' stmt* '}'
//   formals    := formal (',' formal)* ','?
//   formal     := Ident (':' shape)? ('=' expr)?
//   stmt       := input | target | param | output | loss | return | train | let
//   input      := 'input' Ident ':' shape
//   target     := 'target' Ident ':' Ident? shape          (onehot[batch, 10] | index[batch])
//   param      := 'param' Ident ':' shape '=' expr
//   output     := 'output' Ident ('=' expr)?
//   loss       := 'loss' expr
//   return     := 'return' expr
//   train      := 'train' '{' (Ident '=' expr)* '}'
//   let        := Ident '=' expr
//   shape      := '[' (expr (',' expr)* ','?)? ']'
//   expr       := 'if' expr 'then' expr 'else' expr | comparison
//   comparison := additive (('==' | '!=' | '<' | '<=' | '>' | '>=') additive)?
//   additive   := multiplicative (('+' | '-') multiplicative)*
//   multiplicative := unary (('*' | '/' | '@') unary)*
//   unary      := '-' unary | power
//   power      := primary ('**' unary)?                    (right-associative; -x**2 is -(x**2))
//   primary    := Number | 'true' | 'false' | '(' expr ')' | list | repeat | Ident ('(' args? ')')?
//   repeat     := 'repeat' '(' expr ')' Ident '(' args? ')'
//   args       := arg (',' arg)* ','?
//   arg        := (Ident '=')? expr
import { CstParser, type CstNode, type IToken } from "chevrotain";
import * as T from "./tokens.js";

export class NnParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "full" });
    this.performSelfAnalysis();
  }

  file = this.RULE("file", () => {
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.model) }, { ALT: () => this.SUBRULE(this.block) }]);
    });
  });

  model = this.RULE("model", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.formals));
      this.CONSUME(T.RParen);
    });
    this.SUBRULE(this.body);
  });

  block = this.RULE("block", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.OPTION(() => this.SUBRULE(this.formals));
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
  });

  body = this.RULE("body", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.stmt));
    this.CONSUME(T.RCurly);
  });

  formals = this.RULE("formals", () => {
    this.SUBRULE(this.formal);
    this.MANY({
      GATE: () => this.LA(2).tokenType === T.Identifier,
      DEF: () => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.formal);
      },
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  formal = this.RULE("formal", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.shape);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
  });

  stmt = this.RULE("stmt", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.inputStmt) },
      { ALT: () => this.SUBRULE(this.targetStmt) },
      { ALT: () => this.SUBRULE(this.paramStmt) },
      { ALT: () => this.SUBRULE(this.outputStmt) },
      { ALT: () => this.SUBRULE(this.lossStmt) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.trainStmt) },
      { ALT: () => this.SUBRULE(this.letStmt) },
    ]);
  });

  inputStmt = this.RULE("inputStmt", () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.shape);
  });

  targetStmt = this.RULE("targetStmt", () => {
    this.CONSUME(T.Target);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.OPTION(() => this.CONSUME2(T.Identifier, { LABEL: "encoding" }));
    this.SUBRULE(this.shape);
  });

  paramStmt = this.RULE("paramStmt", () => {
    this.CONSUME(T.Param);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.shape);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  outputStmt = this.RULE("outputStmt", () => {
    this.CONSUME(T.Output);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr);
    });
  });

  lossStmt = this.RULE("lossStmt", () => {
    this.CONSUME(T.Loss);
    this.SUBRULE(this.expr);
  });

  returnStmt = this.RULE("returnStmt", () => {
    this.CONSUME(T.Return);
    this.SUBRULE(this.expr);
  });

  trainStmt = this.RULE("trainStmt", () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.setting));
    this.CONSUME(T.RCurly);
  });

  setting = this.RULE("setting", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  letStmt = this.RULE("letStmt", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  shape = this.RULE("shape", () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.exprList);
    this.CONSUME(T.RBracket);
  });

  exprList = this.RULE("exprList", () => {
    this.OPTION(() => {
      this.SUBRULE(this.expr);
      this.MANY({
        GATE: () => this.LA(2).tokenType !== T.RBracket,
        DEF: () => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.expr);
        },
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
  });

  expr = this.RULE("expr", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.ifExpr) }, { ALT: () => this.SUBRULE(this.comparison) }]);
  });

  ifExpr = this.RULE("ifExpr", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expr, { LABEL: "cond" });
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expr, { LABEL: "then" });
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expr, { LABEL: "else" });
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive, { LABEL: "lhs" });
    this.OPTION(() => {
      this.CONSUME(T.CompareOp);
      this.SUBRULE2(this.additive, { LABEL: "rhs" });
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.AdditiveOp);
      this.SUBRULE2(this.multiplicative, { LABEL: "operands" });
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.MultiplicativeOp);
      this.SUBRULE2(this.unary, { LABEL: "operands" });
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  power = this.RULE("power", () => {
    this.SUBRULE(this.primary);
    this.OPTION(() => {
      this.CONSUME(T.StarStar);
      this.SUBRULE(this.unary);
    });
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.SUBRULE(this.listExpr) },
      { ALT: () => this.SUBRULE(this.repeatExpr) },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
    ]);
  });

  parenExpr = this.RULE("parenExpr", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.CONSUME(T.RParen);
  });

  listExpr = this.RULE("listExpr", () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.exprList);
    this.CONSUME(T.RBracket);
  });

  repeatExpr = this.RULE("repeatExpr", () => {
    this.CONSUME(T.Repeat);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.CONSUME(T.RParen);
    this.CONSUME(T.Identifier);
    this.CONSUME2(T.LParen);
    this.OPTION(() => this.SUBRULE(this.args));
    this.CONSUME2(T.RParen);
  });

  nameOrCall = this.RULE("nameOrCall", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(T.RParen);
    });
  });

  args = this.RULE("args", () => {
    this.SUBRULE(this.arg);
    this.MANY({
      GATE: () => this.LA(2).tokenType !== T.RParen,
      DEF: () => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.arg);
      },
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  arg = this.RULE("arg", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Equals,
      DEF: () => {
        this.CONSUME(T.Identifier, { LABEL: "name" });
        this.CONSUME(T.Equals);
      },
    });
    this.SUBRULE(this.expr);
  });
}

/** One parser instance serves every parse (chevrotain parsers are reusable via `input`). */
export const parser = new NnParser();

export type { CstNode, IToken };
