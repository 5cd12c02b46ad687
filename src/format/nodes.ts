// What the formatter needs to know about the AST, whose nodes are plain objects: which kind of node
// an object is, where it starts and ends in the text, which nodes are its children (the tree that
// prettier attaches comments to), and how tightly each expression binds.
import type { Arg, Comment, Decl, Expr, Formal, Setting, SourceFile, Stmt } from "../parser/ast.js";

/** A comment as prettier handles it: our `Comment`, plus the fields prettier's attachment sets. */
export interface NnComment extends Comment {
  /** prettier's own messages read `comment.value`. */
  readonly value: string;
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  enclosingNode?: NnNode;
  precedingNode?: NnNode;
  followingNode?: NnNode;
}

export type NnNode = SourceFile | Decl | Formal | Stmt | Setting | Arg | Expr | NnComment;

export type Classified =
  | { readonly type: "file"; readonly node: SourceFile }
  | { readonly type: "decl"; readonly node: Decl }
  | { readonly type: "formal"; readonly node: Formal }
  | { readonly type: "stmt"; readonly node: Stmt }
  | { readonly type: "setting"; readonly node: Setting }
  | { readonly type: "arg"; readonly node: Arg }
  | { readonly type: "expr"; readonly node: Expr }
  | { readonly type: "comment"; readonly node: NnComment };

/** The AST's types without a `kind` (formals, settings, arguments) are told apart by their fields. */
export function classify(node: NnNode): Classified {
  if ("kind" in node) {
    switch (node.kind) {
      case "file":
        return { type: "file", node };
      case "model":
      case "block":
        return { type: "decl", node };
      case "input":
      case "target":
      case "param":
      case "let":
      case "output":
      case "loss":
      case "return":
      case "train":
        return { type: "stmt", node };
      default:
        return { type: "expr", node };
    }
  }
  if ("text" in node) return { type: "comment", node };
  if (!("span" in node)) return { type: "arg", node };
  if ("value" in node) return { type: "setting", node };
  return { type: "formal", node };
}

export function locStart(node: NnNode): number {
  const c = classify(node);
  if (c.type === "arg") return (c.node.nameSpan ?? c.node.value.span).offset;
  return c.node.span.offset;
}

/** Where each formal ends: its span is only its name, and its shape's `]` is in no node. */
const formalEnds = new WeakMap<Formal, number>();

export function locEnd(node: NnNode): number {
  const c = classify(node);
  if (c.type === "arg") return c.node.value.span.endOffset;
  if (c.type === "formal") return formalEnds.get(c.node) ?? Math.max(c.node.span.endOffset, ...children(c.node).map(locEnd));
  return c.node.span.endOffset;
}

/** Records the end of every formal with a shape and no default: the `]` after its last dimension. */
export function measureFormals(file: SourceFile, text: string): void {
  for (const f of file.decls.flatMap((d) => d.formals)) {
    if (f.shape === undefined || f.default !== undefined) continue;
    formalEnds.set(f, findToken(text, Math.max(f.span.endOffset, ...f.shape.map(locEnd)), "]") + 1);
  }
}

/** The offset of the first `char` at or after `from` that is not inside a comment. */
export function findToken(text: string, from: number, char: string): number {
  let i = from;
  while (i < text.length && text[i] !== char) {
    if (text[i] === "#") while (i < text.length && text[i] !== "\n") i++;
    else i++;
  }
  return i;
}

/** The child nodes, in source order. Every node listed here is printed through prettier's `print`. */
export function children(node: NnNode): NnNode[] {
  const c = classify(node);
  switch (c.type) {
    case "file":
      return [...c.node.decls];
    case "decl":
      return [...c.node.formals, ...c.node.body];
    case "formal":
      return [...(c.node.shape ?? []), ...(c.node.default ? [c.node.default] : [])];
    case "setting":
    case "arg":
      return [c.node.value];
    case "comment":
      return [];
    case "stmt":
      return stmtChildren(c.node);
    case "expr":
      return exprChildren(c.node);
  }
}

function stmtChildren(s: Stmt): NnNode[] {
  switch (s.kind) {
    case "input":
    case "target":
      return [...s.shape];
    case "param":
      return [...s.shape, s.init];
    case "output":
      return s.value ? [s.value] : [];
    case "let":
    case "loss":
    case "return":
      return [s.value];
    case "train":
      return [...s.settings];
  }
}

function exprChildren(e: Expr): NnNode[] {
  switch (e.kind) {
    case "num":
    case "bool":
    case "name":
      return [];
    case "call":
      return [...e.args];
    case "binary":
      return [e.left, e.right];
    case "neg":
      return [e.operand];
    case "paren":
      return [e.inner];
    case "if":
      return [e.cond, e.then, e.else];
    case "list":
      return [...e.items];
    case "repeat":
      return [e.count, e.call];
  }
}

/**
 * Binding strength, loosest first, following the grammar: if 0, comparison 1, + - 2, * / @ 3,
 * unary minus 4, ** 5, primaries 6.
 */
export function precedence(e: Expr): number {
  switch (e.kind) {
    case "if":
      return 0;
    case "neg":
      return 4;
    case "binary":
      return opPrecedence(e.op);
    default:
      return 6;
  }
}

export function opPrecedence(op: Extract<Expr, { kind: "binary" }>["op"]): number {
  switch (op) {
    case "**":
      return 5;
    case "*":
    case "/":
    case "@":
      return 3;
    case "+":
    case "-":
      return 2;
    default:
      return 1;
  }
}

export function comments(node: NnNode): readonly NnComment[] {
  return (node as { comments?: NnComment[] }).comments ?? [];
}

export function hasLeadingComment(node: NnNode): boolean {
  return comments(node).some((c) => c.leading === true);
}
