// Formatting .nn text in canonical style, for `nnc fmt` and tests.
import { format } from "prettier";
import { NN_FORMAT_OPTIONS, plugin } from "./plugin.js";

/** Formats .nn text that parses; on a syntax error, rejects with the formatted diagnostics. */
export function formatNn(text: string, file = "<input>.nn"): Promise<string> {
  return format(text, { ...NN_FORMAT_OPTIONS, endOfLine: "lf", parser: "nn", plugins: [plugin], filepath: file });
}
