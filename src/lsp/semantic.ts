// Semantic tokens: every token of the text, identifiers classified by what they name (a block,
// a param, a hyperparameter, a builtin). The scanner never fails, so a half-typed file is
// highlighted too; names after the first edit since the last parse fall back to the library's.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from "vscode-languageserver";
import type { Usable } from "./analysis.js";
import { BUILTIN_ENTRIES, INITIALIZER_ENTRIES, OPTIMIZER_ENTRIES, SETTING_ENTRIES } from "./catalog.js";
import { symbolAt, type NnSymbol } from "./names.js";
import { scan, type Token } from "./scan.js";

const TYPES = [
  "class",
  "function",
  "parameter",
  "typeParameter",
  "variable",
  "property",
  "keyword",
  "number",
  "comment",
  "operator",
] as const;
const MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

type Type = (typeof TYPES)[number];
const DECLARATION = 1;
const READONLY = 2;
const LIBRARY = 4;

const SYMBOL_TYPE: Record<NnSymbol["kind"], [Type, number]> = {
  model: ["class", 0],
  block: ["function", 0],
  hyper: ["parameter", READONLY],
  arg: ["parameter", 0],
  dim: ["typeParameter", 0],
  input: ["variable", READONLY],
  target: ["variable", READONLY],
  param: ["property", 0],
  binding: ["variable", 0],
};

export function semanticTokens(text: string, u: Usable | undefined): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  let line = 0;
  let lineStart = 0;
  let scanned = 0;
  for (const token of scan(text)) {
    // Advance the line count to the token (tokens never span lines).
    for (let i = text.indexOf("\n", scanned); i !== -1 && i < token.offset; i = text.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = token.offset;
    const classified = classify(token, u);
    if (!classified) continue;
    const [type, modifiers] = classified;
    builder.push(line, token.offset - lineStart, token.text.length, TYPES.indexOf(type), modifiers);
  }
  return builder.build();
}

function classify(token: Token, u: Usable | undefined): [Type, number] | undefined {
  switch (token.kind) {
    case "keyword":
      return ["keyword", 0];
    case "number":
      return ["number", 0];
    case "comment":
      return ["comment", 0];
    case "punct":
      return /[-+*/@<>=!]/.test(token.text) ? ["operator", 0] : undefined;
    case "ident":
      return classifyName(token, u);
    default:
      return undefined;
  }
}

function classifyName(token: Token, u: Usable | undefined): [Type, number] {
  const names = u?.analysis.names;
  if (names && u && token.offset + token.text.length <= u.validUpTo) {
    const ref = symbolAt(names, token.offset);
    if (ref) {
      const [type, mods] = SYMBOL_TYPE[ref.symbol.kind];
      return [type, mods | (ref.start === ref.symbol.start ? DECLARATION : 0)];
    }
  }
  const name = token.text;
  if (BUILTIN_ENTRIES.has(name) || INITIALIZER_ENTRIES.has(name) || OPTIMIZER_ENTRIES.has(name)) return ["function", LIBRARY];
  if (name === "batch") return ["typeParameter", LIBRARY];
  if (SETTING_ENTRIES.has(name)) return ["property", 0];
  return ["variable", 0];
}
