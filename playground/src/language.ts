// `.nn` syntax highlighting for CodeMirror: a stream tokenizer over the lexer's own keyword list
// and the builtin function and initializer names.
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { BUILTINS, INITIALIZERS, keywords } from "./nnc.js";

const KEYWORDS = new Set(keywords.map((k) => String(k.PATTERN)));
const FUNCTIONS = new Set([...Object.keys(BUILTINS), ...Object.keys(INITIALIZERS)]);
const TRAIN_WORDS = new Set(["optimizer", "batch_size", "iters", "epochs", "lr", "weight_decay", "seed", "val_split", "train_subset"]);

export const nnLanguage = StreamLanguage.define<{ afterType: boolean }>({
  name: "nn",
  startState: () => ({ afterType: false }),
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match(/^#.*/)) return "comment";
    if (stream.match(/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/)) return "number";
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/);
    if (word && typeof word === "object") {
      const w = word[0];
      if (KEYWORDS.has(w)) return "keyword";
      if (w === "batch" || w === "onehot" || w === "index") return "typeName";
      if (FUNCTIONS.has(w)) return "variableName.function";
      if (TRAIN_WORDS.has(w)) return "propertyName";
      if (/^[A-Z]/.test(w)) return "className";
      return "variableName";
    }
    if (stream.match(/^(\*\*|==|!=|<=|>=|[-+*/@<>=])/)) return "operator";
    stream.next();
    return "punctuation";
  },
  languageData: { commentTokens: { line: "#" } },
});

const style = HighlightStyle.define([
  { tag: tags.comment, color: "#6b7280", fontStyle: "italic" },
  { tag: tags.keyword, color: "#7c3aed", fontWeight: "600" },
  { tag: tags.number, color: "#b45309" },
  { tag: tags.typeName, color: "#0f766e" },
  { tag: tags.function(tags.variableName), color: "#1d4ed8" },
  { tag: tags.className, color: "#be185d" },
  { tag: tags.propertyName, color: "#0e7490" },
  { tag: tags.operator, color: "#374151" },
]);

export const nnHighlighting = syntaxHighlighting(style);
