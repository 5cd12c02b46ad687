// Comments. prettier attaches each `# ...` comment to a node (leading, trailing or dangling) by
// offsets, using `children` from nodes.ts; the hooks here correct its defaults where a token
// between two nodes decides where a comment belongs, and the rest prints what is left over.
import type { AstPath, Doc } from "prettier";
import { builders } from "prettier/doc";
import { children, classify, comments, findToken, locEnd, locStart, type NnComment, type NnNode } from "./nodes.js";

const { hardline } = builders;

export function canAttachComment(node: NnNode): boolean {
  return classify(node).type !== "comment";
}

export function printComment(path: AstPath<NnNode>): Doc {
  return (path.node as NnComment).text.trimEnd();
}

function attach(node: NnNode, comment: NnComment, how: "leading" | "trailing" | "dangling"): true {
  comment.leading = how === "leading";
  comment.trailing = how === "trailing";
  comment.printed = false;
  const holder = node as { comments?: NnComment[] };
  (holder.comments ??= []).push(comment);
  return true;
}

/**
 * prettier would attach a comment written after a declaration's last formal to that formal if it
 * ends its line, and to the first statement if it has a line of its own, whichever side of `{` it
 * is on. Here the `{` decides: in the header it stays with the formals, in the body with the
 * statements.
 */
function handleDeclComment(comment: NnComment, text: string): boolean {
  const decl = comment.enclosingNode;
  if (decl === undefined || classify(decl).type !== "decl") return false;
  const before = comment.precedingNode;
  const after = comment.followingNode;
  if (before !== undefined && classify(before).type !== "formal") return false;
  const afterFormal = after !== undefined && classify(after).type === "formal";
  if (locStart(comment) > bodyOpen(decl, text)) {
    return after === undefined ? attach(decl, comment, "dangling") : attach(after, comment, "leading");
  }
  if (afterFormal) return false;
  return before === undefined ? attach(decl, comment, "leading") : attach(before, comment, "trailing");
}

/** The offset of a declaration's `{`: the first one after its header that is not in a comment. */
function bodyOpen(decl: NnNode, text: string): number {
  const c = classify(decl);
  if (c.type !== "decl") return locStart(decl);
  const last = c.node.formals.at(-1);
  return findToken(text, last ? locEnd(last) : c.node.nameSpan.endOffset, "{");
}

/**
 * Where a token stands between two children, the side of the token decides: `if c # x` goes with
 * `c`, `then # x` with the branch, `repeat(n) # x` with the call, `param W: [n] = # x` with the
 * initializer. The printer keeps each comment on its side, so a second run attaches it the same way.
 */
function handleSeparatorComment(comment: NnComment, text: string): boolean {
  const { enclosingNode: parent, precedingNode: before, followingNode: after } = comment;
  if (parent === undefined || before === undefined || after === undefined) return false;
  const separator = separatorBefore(parent, after);
  if (separator === undefined) return false;
  const between = text.slice(locEnd(before), locStart(comment)).replace(/#[^\n]*/g, "");
  return separator.test(between) ? attach(after, comment, "leading") : attach(before, comment, "trailing");
}

function separatorBefore(parent: NnNode, child: NnNode): RegExp | undefined {
  const c = classify(parent);
  if (c.type === "expr" && c.node.kind === "if") return child === c.node.then ? /\bthen\b/ : child === c.node.else ? /\belse\b/ : undefined;
  if (c.type === "expr" && c.node.kind === "repeat") return child === c.node.call ? /\)/ : undefined;
  if (c.type === "stmt" && c.node.kind === "param") return child === c.node.init ? /=/ : undefined;
  if (c.type === "formal") return child === c.node.default ? /=/ : undefined;
  return undefined;
}

/**
 * An end-of-line comment on a later line than the node before it (`,  # x` on a line of its own)
 * goes with the node after it, like an own-line comment: as a trailing comment it would be printed
 * after the own-line comments that precede it.
 */
function handleLaterLineComment(comment: NnComment, text: string): boolean {
  const { precedingNode: before, followingNode: after } = comment;
  if (before === undefined || after === undefined) return false;
  if (!text.slice(locEnd(before), locStart(comment)).includes("\n")) return false;
  return attach(after, comment, "leading");
}

/** `output # x` then the name: the statement has no child to hold the comment, so it goes before. */
function handleOutputComment(comment: NnComment): boolean {
  const parent = comment.enclosingNode;
  if (parent === undefined || children(parent).length > 0) return false;
  const c = classify(parent);
  return c.type === "stmt" && c.node.kind === "output" && attach(parent, comment, "leading");
}

const handle = (comment: NnComment, text: string): boolean =>
  handleDeclComment(comment, text) || handleSeparatorComment(comment, text) || handleOutputComment(comment);

export const handleComments = {
  ownLine: handle,
  endOfLine: (comment: NnComment, text: string) => handle(comment, text) || handleLaterLineComment(comment, text),
  remaining: handle,
};

export function getCommentChildNodes(node: NnNode): NnNode[] {
  return children(node);
}

/** Comments attached to a node with no child to go with (inside `{}`, `()` or `[]`), one per line. */
export function printDangling(path: AstPath<NnNode>, text: string): Doc[] {
  const parts: Doc[] = [];
  if (comments(path.node).length === 0) return parts;
  let previous: NnComment | undefined;
  path.each((p) => {
    const c = p.node as NnComment;
    if (c.leading || c.trailing) return;
    if (previous) parts.push(hardline, blankLineBetween(text, locEnd(previous), locStart(c)) ? hardline : "");
    parts.push(printComment(p));
    c.printed = true;
    previous = c;
  }, "comments");
  return parts;
}

export function hasDangling(node: NnNode): boolean {
  return comments(node).some((c) => !c.leading && !c.trailing);
}

function blankLineBetween(text: string, from: number, to: number): boolean {
  return /\n[ \t]*\n/.test(text.slice(from, to));
}

/**
 * Whether the user left a blank line after the node ending at `end`, past an end-of-line comment.
 * (prettier's own `isNextLineEmpty` only knows JavaScript's comments.)
 */
export function blankLineAfter(text: string, end: number): boolean {
  let i = end;
  while (text[i] === " " || text[i] === "\t") i++;
  if (text[i] === "#") while (i < text.length && text[i] !== "\n") i++;
  if (text[i] !== "\n") return false;
  i++;
  while (text[i] === " " || text[i] === "\t") i++;
  return text[i] === "\n";
}
