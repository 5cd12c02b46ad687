// chevrotain's parsing DSL as the rule groups use it: `$.CONSUME(T.Model)`, `$.SUBRULE(expr)`.
// The parser hands out an object whose every method looks its namesake up on the parser when
// called: chevrotain swaps those methods for recording ones while it analyses the grammar.
import type {
  ConsumeMethodOpts,
  CstNode,
  DSLMethodOpts,
  GrammarAction,
  IOrAlt,
  IToken,
  ParserMethod,
  SubruleMethodOpts,
  TokenType,
} from "chevrotain";

export type Rule = ParserMethod<[], CstNode>;

type Action = GrammarAction<unknown> | DSLMethodOpts<unknown>;

/** The DSL methods of a CstParser that the .nn grammar uses (the suffix numbers occurrences in a rule). */
export interface GrammarDsl {
  /** Defines a rule; the parser also keeps it as its property of the same name, where chevrotain looks for it. */
  RULE(name: string, impl: () => void): Rule;
  CONSUME(token: TokenType, options?: ConsumeMethodOpts): IToken;
  CONSUME2(token: TokenType, options?: ConsumeMethodOpts): IToken;
  SUBRULE(rule: Rule, options?: SubruleMethodOpts<[]>): CstNode;
  SUBRULE2(rule: Rule, options?: SubruleMethodOpts<[]>): CstNode;
  SUBRULE3(rule: Rule, options?: SubruleMethodOpts<[]>): CstNode;
  OPTION(action: Action): unknown;
  OPTION2(action: Action): unknown;
  MANY(action: Action): void;
  OR(alternatives: IOrAlt<unknown>[]): unknown;
  LA(howMuch: number): IToken;
}
