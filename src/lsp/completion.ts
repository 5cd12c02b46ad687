// Completion, by where the cursor is: statement keywords at the start of a line; initializers
// after `param W: [...] =`; sizes in shapes; settings, optimizers and optimizer arguments in
// `train { }`; argument names inside a call; otherwise the names in scope, blocks and builtins.
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from "vscode-languageserver";
import { BATCH_DOC, BUILTIN_ENTRIES, INITIALIZER_ENTRIES, OPTIMIZER_ENTRIES, SETTING_ENTRIES, type Entry } from "./catalog.js";
import { cursorContext, type CursorContext, type NameKind, type ScannedDecl } from "./context.js";

const MODEL_STATEMENTS = ["input", "target", "param", "output", "loss", "train"];
const BLOCK_STATEMENTS = ["param", "return"];
const EXPRESSION_KEYWORDS = ["if", "then", "else", "repeat", "true", "false"];

const NAME_KIND: Record<NameKind, CompletionItemKind> = {
  hyper: CompletionItemKind.Constant,
  arg: CompletionItemKind.Variable,
  dim: CompletionItemKind.TypeParameter,
  input: CompletionItemKind.Variable,
  target: CompletionItemKind.Variable,
  param: CompletionItemKind.Field,
  binding: CompletionItemKind.Variable,
};

const NAME_DETAIL: Record<NameKind, string> = {
  hyper: "hyperparameter",
  arg: "block argument",
  dim: "size from a shape pattern",
  input: "input",
  target: "target",
  param: "param",
  binding: "binding",
};

export function complete(text: string, offset: number): CompletionItem[] {
  const c = cursorContext(text, offset);
  if (c.inert || c.inFormals) return [];
  if (!c.decl || offset > c.decl.end) return c.startsStatement ? keywords(["model", "block"]) : [];
  if (c.inTrain) return completeTrain(c);
  const prev = c.previous?.text;
  const statement = c.statement?.text;
  if (c.startsStatement && !c.bracket) {
    const words = c.decl.kind === "model" ? MODEL_STATEMENTS : BLOCK_STATEMENTS;
    return keywords(words.filter((w) => w !== "train" || !hasTrain(text, c.decl!)));
  }
  if (!c.bracket && statement === "param" && prev === "=")
    return [...entries(INITIALIZER_ENTRIES, CompletionItemKind.Value, "1"), ...names(c, ["hyper"])];
  if (c.bracket?.kind === "[") return [...names(c, ["hyper", "dim"]), batch()];
  const items = [
    ...names(c),
    ...blocks(c),
    ...entries(BUILTIN_ENTRIES, CompletionItemKind.Function, "2"),
    ...keywords(EXPRESSION_KEYWORDS, "4"),
  ];
  items.push(...entries(INITIALIZER_ENTRIES, CompletionItemKind.Value, "3"), batch());
  if (c.bracket?.kind === "(" && (prev === "(" || prev === ",")) items.unshift(...argumentNames(c));
  return items;
}

function completeTrain(c: CursorContext): CompletionItem[] {
  const prev = c.previous?.text;
  const callee = c.bracket?.callee;
  if (c.bracket?.kind === "(" && callee !== undefined && (prev === "(" || prev === ",")) {
    const entry = OPTIMIZER_ENTRIES.get(callee);
    return entry ? namedArgs(entry, c.bracket.namedArgs) : [];
  }
  if (prev === "=" && c.statement?.text === "optimizer" && !c.bracket) {
    return [...OPTIMIZER_ENTRIES.values()].map((e) => ({
      label: e.name,
      kind: CompletionItemKind.Function,
      detail: e.signature,
      documentation: e.doc,
      insertText: `${e.name}(${e.args.map((a, i) => `${a.name} = \${${i + 1}:${a.default ?? ""}}`).join(", ")})`,
      insertTextFormat: InsertTextFormat.Snippet,
    }));
  }
  if (prev === "=") return names(c, ["hyper"]);
  if (c.startsStatement || prev === "{") {
    return [...SETTING_ENTRIES.values()].map((e) => ({
      label: e.name,
      kind: CompletionItemKind.Property,
      detail: e.signature,
      documentation: e.doc,
      insertText: `${e.name} = `,
    }));
  }
  return [];
}

/** Whether the declaration already has its (one) train section. */
function hasTrain(text: string, decl: ScannedDecl): boolean {
  return /\btrain\s*\{/.test(text.slice(decl.start, decl.end));
}

function keywords(words: readonly string[], sort = "0"): CompletionItem[] {
  return words.map((w) => ({ label: w, kind: CompletionItemKind.Keyword, sortText: `${sort}${w}` }));
}

function names(c: CursorContext, kinds?: readonly NameKind[]): CompletionItem[] {
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const n of c.decl?.names ?? []) {
    if (seen.has(n.name) || (kinds && !kinds.includes(n.kind))) continue;
    // The name being defined on this statement is not in scope yet.
    if (c.statement && n.offset >= c.statement.offset && n.offset <= c.prefixStart) continue;
    if (n.offset === c.prefixStart) continue;
    seen.add(n.name);
    items.push({ label: n.name, kind: NAME_KIND[n.kind], detail: NAME_DETAIL[n.kind], sortText: `0${n.name}` });
  }
  return items;
}

function blocks(c: CursorContext): CompletionItem[] {
  return c.decls
    .filter((d) => d.kind === "block" && d !== c.decl)
    .map((d) => {
      const formals = d.names.filter((n) => n.kind === "arg" || n.kind === "hyper").map((n) => n.name);
      return { label: d.name, kind: CompletionItemKind.Class, detail: `block ${d.name}(${formals.join(", ")})`, sortText: `1${d.name}` };
    });
}

function entries(table: ReadonlyMap<string, Entry>, kind: CompletionItemKind, sort: string): CompletionItem[] {
  return [...table.values()].map((e) => ({ label: e.name, kind, detail: e.signature, documentation: e.doc, sortText: `${sort}${e.name}` }));
}

function batch(): CompletionItem {
  return {
    label: "batch",
    kind: CompletionItemKind.TypeParameter,
    detail: "batch dimension",
    documentation: BATCH_DOC,
    sortText: "1batch",
  };
}

/** `dropout(x, |` -> `ratio = `; `Dense(h, |` -> the block's hyperparameters. */
function argumentNames(c: CursorContext): CompletionItem[] {
  const callee = c.bracket?.callee;
  if (callee === undefined) return [];
  const entry = BUILTIN_ENTRIES.get(callee) ?? INITIALIZER_ENTRIES.get(callee);
  if (entry) return namedArgs(entry, c.bracket!.namedArgs);
  const block = c.decls.find((d) => d.kind === "block" && d.name === callee);
  if (!block) return [];
  const formals = block.names.filter((n) => n.kind === "hyper" || n.kind === "arg").map((n) => ({ name: n.name }));
  return namedArgs({ name: callee, signature: "", doc: "", args: formals }, c.bracket!.namedArgs);
}

function namedArgs(entry: Entry, given: readonly string[]): CompletionItem[] {
  return entry.args
    .filter((a) => !given.includes(a.name))
    .map((a) => ({
      label: `${a.name} =`,
      kind: CompletionItemKind.Field,
      detail: a.default !== undefined ? `${a.name} = ${a.default}` : a.name,
      documentation: `argument of ${entry.name}`,
      insertText: `${a.name} = `,
      filterText: a.name,
      sortText: `!${a.name}`,
    }));
}
