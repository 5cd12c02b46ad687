// Where the cursor is, read from tokens alone (completion happens in text that rarely parses):
// which declaration, whether inside `train { }`, which call's parentheses, after which token; and
// the names each declaration defines, found from the statement forms of the language.
import { scan, type Token } from "./scan.js";

export type NameKind = "hyper" | "arg" | "dim" | "input" | "target" | "param" | "binding";

export interface ScannedName {
  readonly name: string;
  readonly kind: NameKind;
  readonly offset: number;
}

export interface ScannedDecl {
  readonly kind: "model" | "block";
  readonly name: string;
  readonly start: number;
  /** Offset after the closing brace, or the end of the text while it is still open. */
  end: number;
  readonly names: ScannedName[];
}

export interface CursorContext {
  readonly decls: readonly ScannedDecl[];
  readonly decl?: ScannedDecl;
  /** The word being typed (possibly empty) and where it starts. */
  readonly prefix: string;
  readonly prefixStart: number;
  /** The word being typed is the first of a line (or follows `{`): a statement starts. */
  readonly startsStatement: boolean;
  /** The token before the word being typed. */
  readonly previous?: Token;
  /** The statement keyword (or binding name) that starts the cursor's statement. */
  readonly statement?: Token;
  readonly inTrain: boolean;
  readonly inFormals: boolean;
  /** The innermost open bracket: `(` with the callee before it, or `[`. */
  readonly bracket?: { readonly kind: "(" | "["; readonly callee?: string; readonly namedArgs: string[] };
  /** Inside a comment or a number: nothing to complete. */
  readonly inert: boolean;
}

const BINDERS: ReadonlySet<string> = new Set(["input", "target", "param", "output"]);

interface Frame {
  readonly kind: "{" | "(" | "[";
  readonly callee?: string;
  readonly train?: boolean;
  readonly formals?: boolean;
  readonly namedArgs: string[];
}

/** One pass over the tokens: the declarations (with their names) and the context at `offset`. */
export function cursorContext(text: string, offset: number): CursorContext {
  const tokens = scan(text);
  const decls: ScannedDecl[] = [];
  const stack: Frame[] = [];
  let decl: ScannedDecl | undefined;
  let atCursor: Omit<CursorContext, "decls"> | undefined;
  let statement: Token | undefined;
  let lastLine = -1;
  const lineOf = lineCounter(text);
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    // The cursor's token: the first at or after it, or a word, number or comment it is inside of.
    const inside = t !== undefined && t.kind !== "punct" && t.offset < offset && offset <= t.offset + t.text.length;
    if (!atCursor && (t === undefined || t.offset >= offset || inside)) {
      atCursor = contextAt(text, tokens, i, offset, stack, decl, statement);
    }
    if (t === undefined) break;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const top = stack[stack.length - 1];
    const line = lineOf(t.offset);
    const startsLine = line !== lastLine;
    lastLine = line;
    if (t.kind === "comment") continue;
    if (stack.length === 0 && (t.text === "model" || t.text === "block") && next?.kind === "ident") {
      decl = { kind: t.text, name: next.text, start: t.offset, end: text.length, names: [] };
      decls.push(decl);
    }
    if (t.text === "(" || t.text === "[" || t.text === "{") {
      const formals = t.text === "(" && stack.length === 0;
      const train = t.text === "{" && prev?.text === "train";
      const callee = t.text === "(" && prev?.kind === "ident" ? prev.text : undefined;
      stack.push({ kind: t.text, namedArgs: [], ...(callee && { callee }), ...(train && { train }), ...(formals && { formals }) });
      continue;
    }
    if (t.text === ")" || t.text === "]" || t.text === "}") {
      stack.pop();
      if (t.text === "}" && stack.length === 0 && decl) decl.end = t.offset + 1;
      continue;
    }
    if (t.kind === "ident" && next?.text === "=" && top?.kind === "(" && (prev?.text === "(" || prev?.text === ","))
      top.namedArgs.push(t.text);
    if (!decl) continue;
    // Hyperparameters and block arguments: names right after `(` or `,` in the formals.
    if (top?.formals && t.kind === "ident" && (prev?.text === "(" || prev?.text === ",")) {
      decl.names.push({ name: t.text, kind: next?.text === ":" ? "arg" : "hyper", offset: t.offset });
    } else if (t.kind === "ident" && top?.kind === "[" && stack[stack.length - 2]?.formals && t.text !== "batch") {
      if (!decl.names.some((n) => n.name === t.text)) decl.names.push({ name: t.text, kind: "dim", offset: t.offset });
    }
    if (top?.kind === "{" && (startsLine || prev?.text === "{")) statement = t;
    const inBody = stack.length === 1 && top?.kind === "{" && !top.train;
    if (!inBody) continue;
    if (prev && BINDERS.has(prev.text) && t.kind === "ident" && prev === statement) {
      decl.names.push({ name: t.text, kind: prev.text === "output" ? "binding" : (prev.text as NameKind), offset: t.offset });
    } else if (t === statement && t.kind === "ident" && next?.text === "=") {
      decl.names.push({ name: t.text, kind: "binding", offset: t.offset });
    }
  }
  return { decls, ...atCursor! };
}

function contextAt(
  text: string,
  tokens: readonly Token[],
  i: number,
  offset: number,
  stack: readonly Frame[],
  decl: ScannedDecl | undefined,
  statement: Token | undefined,
): Omit<CursorContext, "decls"> {
  const t = tokens[i];
  const touching = t !== undefined && t.offset <= offset;
  const inert = touching && (t.kind === "comment" || t.kind === "number" || t.kind === "other");
  const typing = touching && (t.kind === "ident" || t.kind === "keyword");
  const prefix = typing ? t.text.slice(0, offset - t.offset) : "";
  let j = i - 1;
  while (tokens[j]?.kind === "comment") j--;
  const previous = tokens[j];
  const start = typing ? t.offset : offset;
  const startsStatement = previous === undefined || previous.text === "{" || text.slice(previous.offset, start).includes("\n");
  const top = stack[stack.length - 1];
  const inTrain = stack.some((f) => f.train === true);
  const bracket =
    top && top.kind !== "{" ? { kind: top.kind, namedArgs: top.namedArgs, ...(top.callee && { callee: top.callee }) } : undefined;
  return {
    ...(decl && { decl }),
    prefix,
    prefixStart: start,
    startsStatement,
    ...(previous && { previous }),
    ...(statement && { statement }),
    inTrain,
    inFormals: stack[0]?.formals === true,
    ...(bracket && { bracket }),
    inert,
  };
}

/** Offset -> 0-based line, for offsets that only grow. */
function lineCounter(text: string): (offset: number) => number {
  let line = 0;
  let at = 0;
  return (offset) => {
    for (let i = text.indexOf("\n", at); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
      line++;
      at = i + 1;
    }
    return line;
  };
}
