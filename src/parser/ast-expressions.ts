// CST -> AST for expressions: one visitor method per grammar rule of rules/expressions.ts.
import type { IToken } from "chevrotain";
import type { Arg, BinaryOp, CallExpr, Expr } from "./ast.js";
import type { Ctx, CstReader } from "./cst-reader.js";
import { endOf, tokenSpan } from "./spans.js";

export function expressionVisitor(r: CstReader) {
  function leftAssoc(ctx: Ctx, opName: string): Expr {
    const operands = r.nodes(ctx, "operands").map((n) => r.sub<Expr>(n));
    const ops = r.tokens(ctx, opName);
    let acc = operands[0]!;
    ops.forEach((op, i) => {
      acc = binary(op, acc, operands[i + 1]!);
    });
    return acc;
  }

  function binary(op: IToken, left: Expr, right: Expr): Expr {
    return {
      kind: "binary",
      op: op.image as BinaryOp,
      left,
      right,
      opSpan: tokenSpan(r.file, op),
      span: { ...left.span, ...endOf(right.span) },
    };
  }

  return {
    exprList(ctx: Ctx): Expr[] {
      return r.nodes(ctx, "expr").map((e) => r.sub<Expr>(e));
    },

    expr(ctx: Ctx): Expr {
      return ctx.ifExpr ? r.exprOf(ctx, "ifExpr") : r.exprOf(ctx, "comparison");
    },

    ifExpr(ctx: Ctx): Expr {
      const cond = r.exprOf(ctx, "cond");
      const elseE = r.exprOf(ctx, "else");
      const start = tokenSpan(r.file, r.tok(ctx, "If"));
      return { kind: "if", cond, then: r.exprOf(ctx, "then"), else: elseE, span: { ...start, ...endOf(elseE.span) } };
    },

    comparison(ctx: Ctx): Expr {
      const lhs = r.exprOf(ctx, "lhs");
      if (!ctx.rhs) return lhs;
      const op = r.tok(ctx, "CompareOp");
      return binary(op, lhs, r.exprOf(ctx, "rhs"));
    },

    additive(ctx: Ctx): Expr {
      return leftAssoc(ctx, "AdditiveOp");
    },

    multiplicative(ctx: Ctx): Expr {
      return leftAssoc(ctx, "MultiplicativeOp");
    },

    unary(ctx: Ctx): Expr {
      if (ctx.power) return r.exprOf(ctx, "power");
      const operand = r.exprOf(ctx, "unary");
      const minus = tokenSpan(r.file, r.tok(ctx, "Minus"));
      return { kind: "neg", operand, span: { ...minus, ...endOf(operand.span) } };
    },

    power(ctx: Ctx): Expr {
      const base = r.exprOf(ctx, "primary");
      if (!ctx.unary) return base;
      return binary(r.tok(ctx, "StarStar"), base, r.exprOf(ctx, "unary"));
    },

    primary(ctx: Ctx): Expr {
      if (ctx.NumberLiteral) {
        const t = r.tok(ctx, "NumberLiteral");
        return { kind: "num", value: Number(t.image), text: t.image, span: tokenSpan(r.file, t) };
      }
      if (ctx.True || ctx.False) {
        const t = ctx.True ? r.tok(ctx, "True") : r.tok(ctx, "False");
        return { kind: "bool", value: Boolean(ctx.True), span: tokenSpan(r.file, t) };
      }
      return r.sub<Expr>(r.only(ctx));
    },

    parenExpr(ctx: Ctx): Expr {
      const inner = r.exprOf(ctx);
      const l = tokenSpan(r.file, r.tok(ctx, "LParen"));
      const close = tokenSpan(r.file, r.tok(ctx, "RParen"));
      return { kind: "paren", inner, span: { ...l, ...endOf(close) } };
    },

    listExpr(ctx: Ctx): Expr {
      const l = tokenSpan(r.file, r.tok(ctx, "LBracket"));
      const close = tokenSpan(r.file, r.tok(ctx, "RBracket"));
      return { kind: "list", items: r.sub<Expr[]>(r.node(ctx, "exprList")), span: { ...l, ...endOf(close) } };
    },

    repeatExpr(ctx: Ctx): Expr {
      const count = r.exprOf(ctx);
      const name = r.tok(ctx, "Identifier");
      const nameSpan = tokenSpan(r.file, name);
      const args = ctx.args ? r.sub<Arg[]>(r.node(ctx, "args")) : [];
      const close = tokenSpan(r.file, r.tok(ctx, "RParen", 1));
      const call: CallExpr = { kind: "call", callee: name.image, calleeSpan: nameSpan, args, span: { ...nameSpan, ...endOf(close) } };
      const start = tokenSpan(r.file, r.tok(ctx, "Repeat"));
      return { kind: "repeat", count, call, span: { ...start, ...endOf(close) } };
    },

    nameOrCall(ctx: Ctx): Expr {
      const name = r.tok(ctx, "Identifier");
      const nameSpan = tokenSpan(r.file, name);
      if (!ctx.LParen) return { kind: "name", name: name.image, span: nameSpan };
      const args = ctx.args ? r.sub<Arg[]>(r.node(ctx, "args")) : [];
      const close = tokenSpan(r.file, r.tok(ctx, "RParen"));
      return { kind: "call", callee: name.image, calleeSpan: nameSpan, args, span: { ...nameSpan, ...endOf(close) } };
    },

    args(ctx: Ctx): Arg[] {
      return r.nodes(ctx, "arg").map((a) => r.sub<Arg>(a));
    },

    arg(ctx: Ctx): Arg {
      const value = r.exprOf(ctx);
      if (!ctx.name) return { value };
      const name = r.tok(ctx, "name");
      return { name: name.image, nameSpan: tokenSpan(r.file, name), value };
    },
  };
}
