// CST -> AST. A chevrotain visitor (checked by `validateVisitor`) with one method per grammar
// rule. It runs only on a CST without syntax errors, so every token the grammar requires is there.
import type { CstElement, CstNode, CstNodeLocation, IToken } from "chevrotain";
import type { Span } from "../diagnostics.js";
import type { Arg, BinaryOp, CallExpr, Decl, Expr, Formal, Setting, Stmt, TargetEncoding } from "./ast.js";
import { parser } from "./grammar.js";

type Ctx = Record<string, CstElement[] | undefined>;

export function tokenSpan(file: string, t: IToken): Span {
  return {
    file,
    line: t.startLine ?? 1,
    col: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1,
    endCol: (t.endColumn ?? t.startColumn ?? 1) + 1,
    offset: t.startOffset,
    endOffset: (t.endOffset ?? t.startOffset) + 1,
  };
}

function locationSpan(file: string, loc: CstNodeLocation): Span {
  return {
    file,
    line: loc.startLine ?? 1,
    col: loc.startColumn ?? 1,
    endLine: loc.endLine ?? loc.startLine ?? 1,
    endCol: (loc.endColumn ?? loc.startColumn ?? 1) + 1,
    offset: loc.startOffset,
    endOffset: (loc.endOffset ?? loc.startOffset) + 1,
  };
}

function isToken(e: CstElement): e is IToken {
  return (e as IToken).image !== undefined;
}

const BaseVisitor = parser.getBaseCstVisitorConstructor();

class AstBuilder extends BaseVisitor {
  constructor(private readonly fileName: string) {
    super();
    this.validateVisitor();
  }

  private span(node: CstNode): Span {
    return locationSpan(this.fileName, node.location!);
  }
  private tok(ctx: Ctx, name: string, i = 0): IToken {
    const t = ctx[name]?.[i];
    if (t === undefined || !isToken(t)) throw new Error(`internal: missing token ${name}`);
    return t;
  }
  private node(ctx: Ctx, name: string, i = 0): CstNode {
    const n = ctx[name]?.[i];
    if (n === undefined || isToken(n)) throw new Error(`internal: missing node ${name}`);
    return n;
  }
  private nodes(ctx: Ctx, name: string): CstNode[] {
    return (ctx[name] ?? []).filter((e): e is CstNode => !isToken(e));
  }
  private tokens(ctx: Ctx, name: string): IToken[] {
    return (ctx[name] ?? []).filter(isToken);
  }
  private sub<T>(node: CstNode): T {
    return this.visit(node) as T;
  }
  private exprOf(ctx: Ctx, name = "expr", i = 0): Expr {
    return this.sub<Expr>(this.node(ctx, name, i));
  }

  file(ctx: Ctx): Decl[] {
    const decls = [...this.nodes(ctx, "model"), ...this.nodes(ctx, "block")];
    decls.sort((a, b) => a.location!.startOffset - b.location!.startOffset);
    return decls.map((d) => this.sub<Decl>(d));
  }

  model(ctx: Ctx): Decl {
    return this.decl("model", ctx);
  }
  block(ctx: Ctx): Decl {
    return this.decl("block", ctx);
  }
  private decl(kind: "model" | "block", ctx: Ctx): Decl {
    const name = this.tok(ctx, "Identifier");
    const formals = ctx.formals ? this.sub<Formal[]>(this.node(ctx, "formals")) : [];
    const body = this.sub<Stmt[]>(this.node(ctx, "body"));
    const first = this.tok(ctx, kind === "model" ? "Model" : "Block");
    const bodyNode = this.node(ctx, "body");
    return {
      kind,
      name: name.image,
      nameSpan: tokenSpan(this.fileName, name),
      formals,
      body,
      span: { ...tokenSpan(this.fileName, first), ...endOf(this.span(bodyNode)) },
    };
  }

  body(ctx: Ctx): Stmt[] {
    return this.nodes(ctx, "stmt").map((s) => this.sub<Stmt>(s));
  }

  formals(ctx: Ctx): Formal[] {
    return this.nodes(ctx, "formal").map((f) => this.sub<Formal>(f));
  }

  formal(ctx: Ctx): Formal {
    const name = this.tok(ctx, "Identifier");
    const shape = ctx.shape ? this.sub<Expr[]>(this.node(ctx, "shape")) : undefined;
    const dflt = ctx.expr ? this.exprOf(ctx) : undefined;
    return {
      name: name.image,
      span: tokenSpan(this.fileName, name),
      ...(shape && { shape }),
      ...(dflt && { default: dflt }),
    };
  }

  stmt(ctx: Ctx): Stmt {
    const [child] = Object.values(ctx).flat();
    return this.sub<Stmt>(child as CstNode);
  }

  inputStmt(ctx: Ctx): Stmt {
    const name = this.tok(ctx, "Identifier");
    return { kind: "input", name: name.image, shape: this.shapeOf(ctx), span: this.stmtSpan(ctx, "Input", "shape") };
  }

  targetStmt(ctx: Ctx): Stmt {
    const name = this.tok(ctx, "name");
    const enc = ctx.encoding ? this.tok(ctx, "encoding").image : "real";
    return {
      kind: "target",
      name: name.image,
      encoding: enc as TargetEncoding,
      shape: this.shapeOf(ctx),
      span: this.stmtSpan(ctx, "Target", "shape"),
    };
  }

  paramStmt(ctx: Ctx): Stmt {
    return {
      kind: "param",
      name: this.tok(ctx, "Identifier").image,
      shape: this.shapeOf(ctx),
      init: this.exprOf(ctx),
      span: this.stmtSpan(ctx, "Param", "expr"),
    };
  }

  outputStmt(ctx: Ctx): Stmt {
    const name = this.tok(ctx, "Identifier");
    const value = ctx.expr ? this.exprOf(ctx) : undefined;
    const span = value
      ? this.stmtSpan(ctx, "Output", "expr")
      : { ...tokenSpan(this.fileName, this.tok(ctx, "Output")), ...endOf(tokenSpan(this.fileName, name)) };
    return { kind: "output", name: name.image, ...(value && { value }), span };
  }

  lossStmt(ctx: Ctx): Stmt {
    return { kind: "loss", value: this.exprOf(ctx), span: this.stmtSpan(ctx, "Loss", "expr") };
  }

  returnStmt(ctx: Ctx): Stmt {
    return { kind: "return", value: this.exprOf(ctx), span: this.stmtSpan(ctx, "Return", "expr") };
  }

  trainStmt(ctx: Ctx): Stmt {
    const settings = this.nodes(ctx, "setting").map((s) => this.sub<Setting>(s));
    const start = tokenSpan(this.fileName, this.tok(ctx, "Train"));
    return { kind: "train", settings, span: { ...start, ...endOf(tokenSpan(this.fileName, this.tok(ctx, "RCurly"))) } };
  }

  setting(ctx: Ctx): Setting {
    const name = this.tok(ctx, "Identifier");
    const value = this.exprOf(ctx);
    return { name: name.image, value, span: { ...tokenSpan(this.fileName, name), ...endOf(value.span) } };
  }

  letStmt(ctx: Ctx): Stmt {
    const name = this.tok(ctx, "Identifier");
    const value = this.exprOf(ctx);
    return { kind: "let", name: name.image, value, span: { ...tokenSpan(this.fileName, name), ...endOf(value.span) } };
  }

  shape(ctx: Ctx): Expr[] {
    return this.sub<Expr[]>(this.node(ctx, "exprList"));
  }

  exprList(ctx: Ctx): Expr[] {
    return this.nodes(ctx, "expr").map((e) => this.sub<Expr>(e));
  }

  expr(ctx: Ctx): Expr {
    return ctx.ifExpr ? this.exprOf(ctx, "ifExpr") : this.exprOf(ctx, "comparison");
  }

  ifExpr(ctx: Ctx): Expr {
    const cond = this.exprOf(ctx, "cond");
    const elseE = this.exprOf(ctx, "else");
    const start = tokenSpan(this.fileName, this.tok(ctx, "If"));
    return { kind: "if", cond, then: this.exprOf(ctx, "then"), else: elseE, span: { ...start, ...endOf(elseE.span) } };
  }

  comparison(ctx: Ctx): Expr {
    const lhs = this.exprOf(ctx, "lhs");
    if (!ctx.rhs) return lhs;
    const op = this.tok(ctx, "CompareOp");
    return this.binary(op, lhs, this.exprOf(ctx, "rhs"));
  }

  additive(ctx: Ctx): Expr {
    return this.leftAssoc(ctx, "AdditiveOp");
  }

  multiplicative(ctx: Ctx): Expr {
    return this.leftAssoc(ctx, "MultiplicativeOp");
  }

  private leftAssoc(ctx: Ctx, opName: string): Expr {
    const operands = this.nodes(ctx, "operands").map((n) => this.sub<Expr>(n));
    const ops = this.tokens(ctx, opName);
    let acc = operands[0]!;
    ops.forEach((op, i) => {
      acc = this.binary(op, acc, operands[i + 1]!);
    });
    return acc;
  }

  private binary(op: IToken, left: Expr, right: Expr): Expr {
    return {
      kind: "binary",
      op: op.image as BinaryOp,
      left,
      right,
      opSpan: tokenSpan(this.fileName, op),
      span: { ...left.span, ...endOf(right.span) },
    };
  }

  unary(ctx: Ctx): Expr {
    if (ctx.power) return this.exprOf(ctx, "power");
    const operand = this.exprOf(ctx, "unary");
    const minus = tokenSpan(this.fileName, this.tok(ctx, "Minus"));
    return { kind: "neg", operand, span: { ...minus, ...endOf(operand.span) } };
  }

  power(ctx: Ctx): Expr {
    const base = this.exprOf(ctx, "primary");
    if (!ctx.unary) return base;
    return this.binary(this.tok(ctx, "StarStar"), base, this.exprOf(ctx, "unary"));
  }

  primary(ctx: Ctx): Expr {
    if (ctx.NumberLiteral) {
      const t = this.tok(ctx, "NumberLiteral");
      return { kind: "num", value: Number(t.image), text: t.image, span: tokenSpan(this.fileName, t) };
    }
    if (ctx.True || ctx.False) {
      const t = ctx.True ? this.tok(ctx, "True") : this.tok(ctx, "False");
      return { kind: "bool", value: Boolean(ctx.True), span: tokenSpan(this.fileName, t) };
    }
    const [child] = Object.values(ctx).flat();
    return this.sub<Expr>(child as CstNode);
  }

  parenExpr(ctx: Ctx): Expr {
    const inner = this.exprOf(ctx);
    const l = tokenSpan(this.fileName, this.tok(ctx, "LParen"));
    const r = tokenSpan(this.fileName, this.tok(ctx, "RParen"));
    return { kind: "paren", inner, span: { ...l, ...endOf(r) } };
  }

  listExpr(ctx: Ctx): Expr {
    const l = tokenSpan(this.fileName, this.tok(ctx, "LBracket"));
    const r = tokenSpan(this.fileName, this.tok(ctx, "RBracket"));
    return { kind: "list", items: this.sub<Expr[]>(this.node(ctx, "exprList")), span: { ...l, ...endOf(r) } };
  }

  repeatExpr(ctx: Ctx): Expr {
    const count = this.exprOf(ctx);
    const name = this.tok(ctx, "Identifier");
    const nameSpan = tokenSpan(this.fileName, name);
    const args = ctx.args ? this.sub<Arg[]>(this.node(ctx, "args")) : [];
    const r = tokenSpan(this.fileName, this.tok(ctx, "RParen", 1));
    const call: CallExpr = { kind: "call", callee: name.image, calleeSpan: nameSpan, args, span: { ...nameSpan, ...endOf(r) } };
    const start = tokenSpan(this.fileName, this.tok(ctx, "Repeat"));
    return { kind: "repeat", count, call, span: { ...start, ...endOf(r) } };
  }

  nameOrCall(ctx: Ctx): Expr {
    const name = this.tok(ctx, "Identifier");
    const nameSpan = tokenSpan(this.fileName, name);
    if (!ctx.LParen) return { kind: "name", name: name.image, span: nameSpan };
    const args = ctx.args ? this.sub<Arg[]>(this.node(ctx, "args")) : [];
    const r = tokenSpan(this.fileName, this.tok(ctx, "RParen"));
    return { kind: "call", callee: name.image, calleeSpan: nameSpan, args, span: { ...nameSpan, ...endOf(r) } };
  }

  args(ctx: Ctx): Arg[] {
    return this.nodes(ctx, "arg").map((a) => this.sub<Arg>(a));
  }

  arg(ctx: Ctx): Arg {
    const value = this.exprOf(ctx);
    if (!ctx.name) return { value };
    const name = this.tok(ctx, "name");
    return { name: name.image, nameSpan: tokenSpan(this.fileName, name), value };
  }

  private shapeOf(ctx: Ctx): Expr[] {
    return this.sub<Expr[]>(this.node(ctx, "shape"));
  }

  private stmtSpan(ctx: Ctx, keyword: string, last: string): Span {
    const start = tokenSpan(this.fileName, this.tok(ctx, keyword));
    return { ...start, ...endOf(this.span(this.node(ctx, last))) };
  }
}

/** The end fields of a span, to be spread over a start span. */
function endOf(s: Span): Pick<Span, "endLine" | "endCol" | "endOffset"> {
  return { endLine: s.endLine, endCol: s.endCol, endOffset: s.endOffset };
}

export function cstToDecls(file: string, cst: CstNode): Decl[] {
  return new AstBuilder(file).visit(cst) as Decl[];
}

export function cstToExpr(file: string, cst: CstNode): Expr {
  return new AstBuilder(file).visit(cst) as Expr;
}
