// `nnc fmt` as a prettier 3 plugin, so editors format .nn files with the same code:
//   prettier --plugin nnc/prettier --write 'models/*.nn'
// The parser is nnc's own; the printer (print.ts) builds a prettier Doc and prettier fits the lines.
import type { Plugin } from "prettier";
import { formatDiagnostics } from "../diagnostics.js";
import { parse } from "../parser/parse.js";
import { canAttachComment, getCommentChildNodes, handleComments, printComment } from "./comments.js";
import { locEnd, locStart, measureFormals, type NnComment, type NnNode } from "./nodes.js";
import { print } from "./print.js";

/** The canonical layout: what `nnc fmt` uses, and prettier's defaults for .nn files. */
export const NN_FORMAT_OPTIONS = { printWidth: 100, tabWidth: 2, useTabs: false } as const;

export const plugin: Plugin<NnNode> = {
  languages: [{ name: "nn", extensions: [".nn"], parsers: ["nn"] }],
  parsers: {
    nn: {
      astFormat: "nn-ast",
      locStart,
      locEnd,
      parse(text, options) {
        const file = options.filepath ?? "<input>.nn";
        const result = parse(text, file);
        if (!result.ast) throw new Error(formatDiagnostics(result.diagnostics, new Map([[file, text]])));
        measureFormals(result.ast, text);
        // prettier takes the comments from the root, and annotates them as it attaches them.
        const comments: NnComment[] = result.ast.comments.map((c) => ({ ...c, value: c.text }));
        return { ...result.ast, comments };
      },
    },
  },
  printers: {
    "nn-ast": { print, printComment, canAttachComment, getCommentChildNodes, handleComments },
  },
  defaultOptions: NN_FORMAT_OPTIONS,
};

export default plugin;
