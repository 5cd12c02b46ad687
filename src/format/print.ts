// The printer: AST -> prettier Doc. prettier fits the lines (width 100 by default): a group that
// does not fit breaks one item per line, with a trailing comma in lists of arguments or formals.
//
// Parentheses: printed where precedence needs them and nowhere else, so `(a * b) + c` becomes
// `a * b + c` and `a - (b - c)` keeps its pair. One exception keeps the output stable: a pair the
// user wrote around a comment stays, because without it the comment could drift across an operator.
import type { AstPath, Doc, ParserOptions } from "prettier";
import { builders } from "prettier/doc";
import type { Expr, Stmt } from "../parser/ast.js";
import { blankLineAfter, hasDangling, printDangling } from "./comments.js";
import { classify, hasLeadingComment, locEnd, opPrecedence, precedence, type NnNode } from "./nodes.js";

const { group, hardline, ifBreak, indent, join, line, softline } = builders;

type Print = (selector?: string | number | Array<string | number> | AstPath<NnNode>, args?: unknown) => Doc;
type Options = ParserOptions<NnNode>;

/** Passed to the left operand of `+`/`*` chains: print without a group, the chain breaks as one. */
const CHAIN = { chain: true };
/** Passed to an operand that needs parentheses: inside its comments, so they stay outside the pair. */
const PARENS = { parens: true };

export function print(path: AstPath<NnNode>, options: Options, print: Print, args?: unknown): Doc {
  const c = classify(path.node);
  const text = options.originalText;
  switch (c.type) {
    case "file": {
      const decls = path.map(print, "decls");
      const body = decls.length > 0 ? join([hardline, hardline], decls) : printDangling(path, text);
      return decls.length > 0 || hasDangling(c.node) ? [body, hardline] : "";
    }
    case "decl": {
      const n = c.node;
      const formals = n.kind === "block" || n.formals.length > 0 ? bracketed("(", ")", path.map(print, "formals")) : "";
      return [n.kind, " ", n.name, formals, " ", braces(path, print, text, "body", n.body)];
    }
    case "formal": {
      const n = c.node;
      const shape = n.shape ? [": ", bracketed("[", "]", path.map(print, "shape"), () => printDangling(path, text))] : "";
      return [n.name, shape, n.default ? [" = ", value(print, "default", n.default)] : ""];
    }
    case "setting":
      return [c.node.name, " = ", value(print, "value", c.node.value)];
    case "arg":
      return c.node.name === undefined ? print("value") : [c.node.name, " = ", value(print, "value", c.node.value)];
    case "stmt":
      return printStmt(c.node, path, print, text);
    case "expr":
      return args === PARENS ? parens(printExpr(c.node, path, print, text, undefined)) : printExpr(c.node, path, print, text, args);
    case "comment":
      throw new Error("internal: comments are printed by printComment");
  }
}

function printStmt(s: Stmt, path: AstPath<NnNode>, print: Print, text: string): Doc {
  switch (s.kind) {
    case "input":
      return ["input ", s.name, ": ", shape(path, print, text)];
    case "target":
      return ["target ", s.name, ": ", s.encoding === "real" ? "" : s.encoding, shape(path, print, text)];
    case "param":
      return ["param ", s.name, ": ", bracketed("[", "]", path.map(print, "shape")), " = ", value(print, "init", s.init)];
    case "let":
      return [s.name, " = ", value(print, "value", s.value)];
    case "output":
      return ["output ", s.name, s.value ? [" = ", value(print, "value", s.value)] : ""];
    case "loss":
      return ["loss ", value(print, "value", s.value)];
    case "return":
      return ["return ", value(print, "value", s.value)];
    case "train":
      return ["train ", braces(path, print, text, "settings", s.settings)];
  }
}

function printExpr(e: Expr, path: AstPath<NnNode>, print: Print, text: string, args: unknown): Doc {
  switch (e.kind) {
    case "num":
      return e.text;
    case "bool":
      return String(e.value);
    case "name":
      return e.name;
    case "call":
      return [e.callee, bracketed("(", ")", path.map(print, "args"), () => printDangling(path, text))];
    case "list":
      return bracketed("[", "]", path.map(print, "items"), () => printDangling(path, text));
    case "repeat":
      return [group(["repeat(", indent([softline, print("count")]), softline, ")"]), " ", print("call")];
    case "neg":
      return ["-", hasLeadingComment(e.operand) ? " " : "", afterToken(operand(print, text, "operand", e.operand, 4), e.operand)];
    case "paren":
      return keepsParens(e, text) ? parens(print("inner")) : print("inner", args);
    case "if":
      return group([
        "if ",
        afterToken(print("cond"), e.cond),
        indent([line, "then ", afterToken(print("then"), e.then), line, "else ", afterToken(print("else"), e.else)]),
      ]);
    case "binary": {
      const level = opPrecedence(e.op);
      // `**` is right-associative and its left side is a primary; comparisons do not chain.
      const [leftMin, rightMin] = e.op === "**" ? [6, 4] : level === 1 ? [2, 2] : [level, level + 1];
      const left = operand(print, text, "left", e.left, leftMin, level >= 2 && level <= 3);
      const rest = indent([" ", e.op, line, operand(print, text, "right", e.right, rightMin)]);
      return args === CHAIN ? [left, rest] : group([left, rest]);
    }
  }
}

/** The child expression at `key`, in parentheses if it binds more loosely than its place requires. */
function operand(print: Print, text: string, key: string, child: Expr, min: number, chain = false): Doc {
  const shown = unwrap(child, text);
  if (shown.kind !== "paren" && precedence(shown) < min) return print(key, PARENS);
  const sameChain = chain && shown.kind === "binary" && opPrecedence(shown.op) === min;
  return print(key, sameChain ? CHAIN : undefined);
}

/** The expression as printed: through the parentheses that are dropped. */
function unwrap(e: Expr, text: string): Expr {
  while (e.kind === "paren" && !keepsParens(e, text)) e = e.inner;
  return e;
}

/** `#` only ever starts a comment (.nn has no strings). */
function keepsParens(e: Expr & { kind: "paren" }, text: string): boolean {
  return text.slice(e.span.offset, e.span.endOffset).includes("#");
}

function parens(doc: Doc): Doc {
  return group(["(", indent([softline, doc]), softline, ")"]);
}

/** A value after `=`, `loss` or `return`: the child `node`, at `key` of the node being printed. */
function value(print: Print, key: string, node: NnNode): Doc {
  return afterToken(print(key), node);
}

/** A node printed after a token on the same line: a comment before it must not pull it to the left edge. */
function afterToken(doc: Doc, node: NnNode): Doc {
  return hasLeadingComment(node) ? indent(doc) : doc;
}

/** The shape of an input or a target: with no dimension to go with, comments stay inside `[]`. */
function shape(path: AstPath<NnNode>, print: Print, text: string): Doc {
  return bracketed("[", "]", path.map(print, "shape"), () => printDangling(path, text));
}

/** `(a, b)` or, when it does not fit, one item per line with a trailing comma. */
function bracketed(open: string, close: string, items: Doc[], dangling = (): Doc[] => []): Doc {
  if (items.length === 0) {
    const inside = dangling();
    return inside.length > 0 ? [open, indent([hardline, inside]), hardline, close] : [open, close];
  }
  return group([open, indent([softline, join([",", line], items)]), ifBreak(","), softline, close]);
}

/** `{ ... }` around statements or settings, one per line, keeping single blank lines. */
function braces(path: AstPath<NnNode>, print: Print, text: string, key: "body" | "settings", items: readonly NnNode[]): Doc {
  const parts: Doc[] = [];
  path.each((_, i) => {
    if (i > 0) parts.push(hardline, blankLineAfter(text, locEnd(items[i - 1]!)) ? hardline : "");
    parts.push(print());
  }, key);
  const dangling = printDangling(path, text);
  if (dangling.length > 0) parts.push(parts.length > 0 ? hardline : "", dangling);
  return parts.length > 0 ? ["{", indent([hardline, parts]), hardline, "}"] : "{}";
}
