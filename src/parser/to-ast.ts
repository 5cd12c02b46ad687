// CST -> AST. A chevrotain visitor (checked by `validateVisitor`) with one method per grammar
// rule: those of declarations and statements in ast-declarations.ts, of expressions in
// ast-expressions.ts. It runs only on a CST without syntax errors.
import type { CstNode } from "chevrotain";
import { declarationVisitor } from "./ast-declarations.js";
import type { Decl, Expr } from "./ast.js";
import { expressionVisitor } from "./ast-expressions.js";
import { CstReader } from "./cst-reader.js";
import { parser } from "./grammar.js";

const BaseVisitor = parser.getBaseCstVisitorConstructor();

class AstBuilder extends BaseVisitor {
  constructor(file: string) {
    super();
    const reader = new CstReader(file, (node) => this.visit(node));
    // chevrotain calls the method named after each node's rule.
    Object.assign(this, declarationVisitor(reader), expressionVisitor(reader));
    this.validateVisitor();
  }
}

export function cstToDecls(file: string, cst: CstNode): Decl[] {
  return new AstBuilder(file).visit(cst) as Decl[];
}

export function cstToExpr(file: string, cst: CstNode): Expr {
  return new AstBuilder(file).visit(cst) as Expr;
}
