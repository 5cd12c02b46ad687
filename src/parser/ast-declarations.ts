// CST -> AST for declarations and statements: one visitor method per grammar rule of
// rules/declarations.ts.
import type { Decl, Expr, Formal, Setting, Stmt, TargetEncoding } from "./ast.js";
import type { Ctx, CstReader } from "./cst-reader.js";
import { endOf, tokenSpan } from "./spans.js";

export function declarationVisitor(r: CstReader) {
  function decl(kind: "model" | "block", ctx: Ctx): Decl {
    const name = r.tok(ctx, "Identifier");
    const formals = ctx.formals ? r.sub<Formal[]>(r.node(ctx, "formals")) : [];
    const body = r.sub<Stmt[]>(r.node(ctx, "body"));
    const first = r.tok(ctx, kind === "model" ? "Model" : "Block");
    const bodyNode = r.node(ctx, "body");
    return {
      kind,
      name: name.image,
      nameSpan: tokenSpan(r.file, name),
      formals,
      body,
      span: { ...tokenSpan(r.file, first), ...endOf(r.span(bodyNode)) },
    };
  }

  return {
    file(ctx: Ctx): Decl[] {
      const decls = [...r.nodes(ctx, "model"), ...r.nodes(ctx, "block")];
      decls.sort((a, b) => a.location!.startOffset - b.location!.startOffset);
      return decls.map((d) => r.sub<Decl>(d));
    },

    model(ctx: Ctx): Decl {
      return decl("model", ctx);
    },

    block(ctx: Ctx): Decl {
      return decl("block", ctx);
    },

    body(ctx: Ctx): Stmt[] {
      return r.nodes(ctx, "stmt").map((s) => r.sub<Stmt>(s));
    },

    formals(ctx: Ctx): Formal[] {
      return r.nodes(ctx, "formal").map((f) => r.sub<Formal>(f));
    },

    formal(ctx: Ctx): Formal {
      const name = r.tok(ctx, "Identifier");
      const shape = ctx.shape ? r.sub<Expr[]>(r.node(ctx, "shape")) : undefined;
      const dflt = ctx.expr ? r.exprOf(ctx) : undefined;
      return {
        name: name.image,
        span: tokenSpan(r.file, name),
        ...(shape && { shape }),
        ...(dflt && { default: dflt }),
      };
    },

    stmt(ctx: Ctx): Stmt {
      return r.sub<Stmt>(r.only(ctx));
    },

    inputStmt(ctx: Ctx): Stmt {
      const name = r.tok(ctx, "Identifier");
      return { kind: "input", name: name.image, shape: r.shapeOf(ctx), span: r.stmtSpan(ctx, "Input", "shape") };
    },

    targetStmt(ctx: Ctx): Stmt {
      const name = r.tok(ctx, "name");
      const enc = ctx.encoding ? r.tok(ctx, "encoding").image : "real";
      return {
        kind: "target",
        name: name.image,
        encoding: enc as TargetEncoding,
        shape: r.shapeOf(ctx),
        span: r.stmtSpan(ctx, "Target", "shape"),
      };
    },

    paramStmt(ctx: Ctx): Stmt {
      return {
        kind: "param",
        name: r.tok(ctx, "Identifier").image,
        shape: r.shapeOf(ctx),
        init: r.exprOf(ctx),
        span: r.stmtSpan(ctx, "Param", "expr"),
      };
    },

    outputStmt(ctx: Ctx): Stmt {
      const name = r.tok(ctx, "Identifier");
      const value = ctx.expr ? r.exprOf(ctx) : undefined;
      const span = value
        ? r.stmtSpan(ctx, "Output", "expr")
        : { ...tokenSpan(r.file, r.tok(ctx, "Output")), ...endOf(tokenSpan(r.file, name)) };
      return { kind: "output", name: name.image, ...(value && { value }), span };
    },

    lossStmt(ctx: Ctx): Stmt {
      return { kind: "loss", value: r.exprOf(ctx), span: r.stmtSpan(ctx, "Loss", "expr") };
    },

    returnStmt(ctx: Ctx): Stmt {
      return { kind: "return", value: r.exprOf(ctx), span: r.stmtSpan(ctx, "Return", "expr") };
    },

    trainStmt(ctx: Ctx): Stmt {
      const settings = r.nodes(ctx, "setting").map((s) => r.sub<Setting>(s));
      const start = tokenSpan(r.file, r.tok(ctx, "Train"));
      return { kind: "train", settings, span: { ...start, ...endOf(tokenSpan(r.file, r.tok(ctx, "RCurly"))) } };
    },

    setting(ctx: Ctx): Setting {
      const name = r.tok(ctx, "Identifier");
      const value = r.exprOf(ctx);
      return { name: name.image, value, span: { ...tokenSpan(r.file, name), ...endOf(value.span) } };
    },

    letStmt(ctx: Ctx): Stmt {
      const name = r.tok(ctx, "Identifier");
      const value = r.exprOf(ctx);
      return { kind: "let", name: name.image, value, span: { ...tokenSpan(r.file, name), ...endOf(value.span) } };
    },

    shape(ctx: Ctx): Expr[] {
      return r.sub<Expr[]>(r.node(ctx, "exprList"));
    },
  };
}
