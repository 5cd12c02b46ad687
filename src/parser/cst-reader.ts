// Reading a CST node's children, for the CST -> AST visitor. The visitor runs only on a CST
// without syntax errors, so every token and node the grammar requires is there; a missing one is
// an internal error.
import type { CstElement, CstNode, IToken } from "chevrotain";
import type { Span } from "../diagnostics.js";
import type { Expr } from "./ast.js";
import { endOf, locationSpan, tokenSpan } from "./spans.js";

/** A CST node's children by label (a rule's or a token type's name, or a `LABEL`). */
export type Ctx = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement): e is IToken {
  return "image" in e;
}

export class CstReader {
  constructor(
    readonly file: string,
    private readonly visit: (node: CstNode) => unknown,
  ) {}

  span(node: CstNode): Span {
    return locationSpan(this.file, node.location!);
  }

  tok(ctx: Ctx, name: string, i = 0): IToken {
    const t = ctx[name]?.[i];
    if (t === undefined || !isToken(t)) throw new Error(`internal: missing token ${name}`);
    return t;
  }

  node(ctx: Ctx, name: string, i = 0): CstNode {
    const n = ctx[name]?.[i];
    if (n === undefined || isToken(n)) throw new Error(`internal: missing node ${name}`);
    return n;
  }

  nodes(ctx: Ctx, name: string): CstNode[] {
    return (ctx[name] ?? []).filter((e): e is CstNode => !isToken(e));
  }

  tokens(ctx: Ctx, name: string): IToken[] {
    return (ctx[name] ?? []).filter(isToken);
  }

  /** The only child of a rule that is one of several alternatives. */
  only(ctx: Ctx): CstNode {
    // The first child of the first label that has one (no arrays made: this runs once per
    // precedence level of every expression).
    for (const label in ctx) {
      const child = ctx[label]?.[0];
      if (child === undefined) continue;
      if (isToken(child)) break;
      return child;
    }
    throw new Error(`internal: expected one child node`);
  }

  /** The AST of a child node; its type is the one its rule's visitor method returns. */
  sub<T>(node: CstNode): T {
    return this.visit(node) as T;
  }

  exprOf(ctx: Ctx, name = "expr", i = 0): Expr {
    return this.sub<Expr>(this.node(ctx, name, i));
  }

  shapeOf(ctx: Ctx): Expr[] {
    return this.sub<Expr[]>(this.node(ctx, "shape"));
  }

  /** From a statement's keyword to the end of its `last` child. */
  stmtSpan(ctx: Ctx, keyword: string, last: string): Span {
    const start = tokenSpan(this.file, this.tok(ctx, keyword));
    return { ...start, ...endOf(this.span(this.node(ctx, last))) };
  }
}
