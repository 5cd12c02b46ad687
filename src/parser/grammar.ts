// The .nn grammar: a pure chevrotain CstParser (no actions). Its rules are defined in two groups,
// functions over the parser's DSL: rules/declarations.ts and rules/expressions.ts. The AST is
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
import type { CstNode, IToken } from "chevrotain";
import { CstParser } from "./chevrotain.js";
import { declarationRules } from "./rules/declarations.js";
import type { GrammarDsl, Rule } from "./rules/dsl.js";
import { expressionRules } from "./rules/expressions.js";
import * as T from "./tokens.js";

export class NnParser extends CstParser {
  /** The entry points: a whole file, or one expression (a `--set` value). */
  readonly file: Rule;
  readonly expr: Rule;

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "full" });
    const $ = this.dsl();
    const expressions = expressionRules($);
    this.file = declarationRules($, expressions).file;
    this.expr = expressions.expr;
    this.performSelfAnalysis();
  }

  private dsl(): GrammarDsl {
    return {
      RULE: (name, impl) => {
        const rule = this.RULE(name, impl);
        // chevrotain finds each rule as the parser's property named after it.
        Reflect.set(this, name, rule);
        return rule;
      },
      CONSUME: (token, options) => this.CONSUME(token, options),
      CONSUME2: (token, options) => this.CONSUME2(token, options),
      SUBRULE: (rule, options) => this.SUBRULE(rule, options),
      SUBRULE2: (rule, options) => this.SUBRULE2(rule, options),
      SUBRULE3: (rule, options) => this.SUBRULE3(rule, options),
      OPTION: (action) => this.OPTION(action),
      OPTION2: (action) => this.OPTION2(action),
      MANY: (action) => this.MANY(action),
      OR: (alternatives) => this.OR(alternatives),
      LA: (howMuch) => this.LA(howMuch),
    };
  }
}

/** One parser instance serves every parse (chevrotain parsers are reusable via `input`). */
export const parser = new NnParser();

export type { CstNode, IToken };
