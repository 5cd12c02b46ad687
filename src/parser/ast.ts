// The .nn abstract syntax tree: a discriminated union in which every node carries its span.
import type { Span } from "../diagnostics.js";

export type BinaryOp = "+" | "-" | "*" | "/" | "@" | "**" | "==" | "!=" | "<" | "<=" | ">" | ">=";

export interface Arg {
  readonly name?: string;
  readonly nameSpan?: Span;
  readonly value: Expr;
}

export type Expr =
  | { readonly kind: "num"; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly kind: "bool"; readonly value: boolean; readonly span: Span }
  | { readonly kind: "name"; readonly name: string; readonly span: Span }
  | CallExpr
  | {
      readonly kind: "binary";
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly opSpan: Span;
      readonly span: Span;
    }
  | { readonly kind: "neg"; readonly operand: Expr; readonly span: Span }
  | { readonly kind: "paren"; readonly inner: Expr; readonly span: Span }
  | { readonly kind: "if"; readonly cond: Expr; readonly then: Expr; readonly else: Expr; readonly span: Span }
  | { readonly kind: "list"; readonly items: readonly Expr[]; readonly span: Span }
  | { readonly kind: "repeat"; readonly count: Expr; readonly call: CallExpr; readonly span: Span };

export interface CallExpr {
  readonly kind: "call";
  readonly callee: string;
  readonly calleeSpan: Span;
  readonly args: readonly Arg[];
  readonly span: Span;
}

/** A formal parameter of a model (a hyperparameter) or of a block (a tensor or a hyperparameter). */
export interface Formal {
  readonly name: string;
  readonly span: Span;
  /** For tensor arguments of blocks: a shape pattern whose names bind to the actual sizes. */
  readonly shape?: readonly Expr[];
  readonly default?: Expr;
}

export type TargetEncoding = "onehot" | "index" | "real";

export type Stmt =
  | { readonly kind: "input"; readonly name: string; readonly shape: readonly Expr[]; readonly span: Span }
  | {
      readonly kind: "target";
      readonly name: string;
      readonly encoding: TargetEncoding;
      readonly shape: readonly Expr[];
      readonly span: Span;
    }
  | {
      readonly kind: "param";
      readonly name: string;
      readonly shape: readonly Expr[];
      readonly init: Expr;
      readonly span: Span;
    }
  | { readonly kind: "let"; readonly name: string; readonly value: Expr; readonly span: Span }
  | { readonly kind: "output"; readonly name: string; readonly value?: Expr; readonly span: Span }
  | { readonly kind: "loss"; readonly value: Expr; readonly span: Span }
  | { readonly kind: "return"; readonly value: Expr; readonly span: Span }
  | { readonly kind: "train"; readonly settings: readonly Setting[]; readonly span: Span };

export interface Setting {
  readonly name: string;
  readonly value: Expr;
  readonly span: Span;
}

export interface Decl {
  readonly kind: "model" | "block";
  readonly name: string;
  readonly nameSpan: Span;
  readonly formals: readonly Formal[];
  readonly body: readonly Stmt[];
  readonly span: Span;
}

export interface Comment {
  readonly text: string;
  readonly span: Span;
}

export interface SourceFile {
  readonly kind: "file";
  readonly file: string;
  readonly decls: readonly Decl[];
  readonly comments: readonly Comment[];
  readonly span: Span;
}

/** The direct subexpressions of an expression (a `repeat`'s count and its call's arguments). */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case "call":
      return e.args.map((a) => a.value);
    case "repeat":
      return [e.count, ...e.call.args.map((a) => a.value)];
    case "binary":
      return [e.left, e.right];
    case "neg":
      return [e.operand];
    case "paren":
      return [e.inner];
    case "if":
      return [e.cond, e.then, e.else];
    case "list":
      return e.items;
    default:
      return [];
  }
}

/** Every subexpression of `e`, `e` included, in no particular order; iterative, so long chains are fine. */
export function* subexpressions(e: Expr): Generator<Expr> {
  const todo: Expr[] = [e];
  for (let x = todo.pop(); x !== undefined; x = todo.pop()) {
    yield x;
    todo.push(...children(x));
  }
}

/** The name a statement binds, if any. */
export function boundName(stmt: Stmt): string | undefined {
  switch (stmt.kind) {
    case "input":
    case "target":
    case "param":
    case "let":
      return stmt.name;
    case "output":
      return stmt.value ? stmt.name : undefined;
    default:
      return undefined;
  }
}

/** Fully parenthesized text of an expression, for tests and messages: `(a + (b * c))`. */
export function showExpr(e: Expr): string {
  switch (e.kind) {
    case "num":
      return e.text;
    case "bool":
      return String(e.value);
    case "name":
      return e.name;
    case "call":
      return `${e.callee}(${e.args.map(showArg).join(", ")})`;
    case "binary":
      return `(${showExpr(e.left)} ${e.op} ${showExpr(e.right)})`;
    case "neg":
      return `(-${showExpr(e.operand)})`;
    case "paren":
      return showExpr(e.inner);
    case "if":
      return `(if ${showExpr(e.cond)} then ${showExpr(e.then)} else ${showExpr(e.else)})`;
    case "list":
      return `[${e.items.map(showExpr).join(", ")}]`;
    case "repeat":
      return `repeat(${showExpr(e.count)}) ${showExpr(e.call)}`;
  }
}

function showArg(a: Arg): string {
  return a.name === undefined ? showExpr(a.value) : `${a.name} = ${showExpr(a.value)}`;
}
