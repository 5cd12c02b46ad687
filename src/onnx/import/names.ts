// Names in an imported .nn file: ONNX names (PyTorch's `fc1.weight`, `/fc1/Gemm_output_0`) made
// valid identifiers, unique, and clear of the language's keywords and builtins.
import { BUILTINS, INITIALIZERS } from "../../graph/builtins.js";

const KEYWORDS = ["model", "block", "input", "target", "param", "output", "loss", "return", "train", "repeat", "if", "then", "else"];
const RESERVED = new Set([...KEYWORDS, "true", "false", "batch", ...Object.keys(BUILTINS), ...Object.keys(INITIALIZERS)]);

/** `fc1.weight` -> `fc1_weight`, `/fc1/Gemm_output_0` -> `fc1_Gemm`, `0` -> `v0`. */
export function identifier(onnxName: string): string {
  const words = onnxName
    .replace(/_output_0$/, "")
    .split(/[^A-Za-z0-9_]+/)
    .filter(Boolean);
  const joined = words.join("_");
  if (joined === "") return "v";
  return /^[0-9]/.test(joined) ? `v${joined}` : joined;
}

export class Names {
  private readonly taken = new Set<string>(RESERVED);
  /** The ONNX name each identifier was made for. */
  readonly source = new Map<string, string>();

  /** A fresh identifier for an ONNX name: `name` (`input_` for a keyword), else `name_2`, `name_3`, ... */
  fresh(onnxName: string): string {
    const id = identifier(onnxName);
    const base = RESERVED.has(id) ? `${id}_` : id;
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    this.source.set(name, onnxName);
    return name;
  }
}
