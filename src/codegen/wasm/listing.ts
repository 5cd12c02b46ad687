// A short, readable listing of a wasm function (WebAssembly's text format, unfolded), for the
// comment the compiled module carries next to its bytes: the signature, then the first
// instructions (a line per run at one block depth), then how many more there are. Kernels run to
// hundreds of instructions; the cap keeps a module readable and still shows what each one does.
import { F32, F64, I32, V128, type ValType } from "./body.js";
import type { WasmFunction } from "./encode.js";

/** Instructions shown per function; the rest are counted. */
export const LISTED = 40;
/** Characters of instructions per line. */
const WIDTH = 100;

const TYPE: Record<ValType, string> = { [I32]: "i32", [F32]: "f32", [F64]: "f64", [V128]: "v128" };

/** Runs of a type as `i32 ×3`. */
function types(list: readonly ValType[]): string {
  const out: string[] = [];
  for (let i = 0; i < list.length;) {
    let j = i;
    while (j < list.length && list[j] === list[i]) j++;
    out.push(j - i > 1 ? `${TYPE[list[i]!]} ×${j - i}` : TYPE[list[i]!]);
    i = j;
  }
  return out.join(" ");
}

/** The lines of `f`'s listing (without comment markers). */
export function listing(f: WasmFunction): string[] {
  const { params, results, locals, text } = f.body;
  const head =
    `(func $${f.name} (param ${types(params)})` +
    (results.length > 0 ? ` (result ${types(results)})` : "") +
    (locals.length > 0 ? ` (local ${types(locals)})` : "") +
    `  ;; ${text.length.toLocaleString("en-US")} instructions`;
  const lines = [head];
  // Instructions at one depth share a line (up to WIDTH characters); block, loop, if, else and end stand alone.
  let depth = 1;
  let line = "";
  const flush = () => {
    if (line !== "") lines.push("  ".repeat(depth) + line);
    line = "";
  };
  for (const op of text.slice(0, LISTED)) {
    const opens = op === "block" || op === "loop" || op === "if" || op === "else";
    if (op === "end" || op === "else" || opens || line.length + op.length > WIDTH) flush();
    if (op === "end" || op === "else") depth = Math.max(1, depth - 1);
    line = line === "" ? op : `${line}; ${op}`;
    if (opens || op === "end") flush();
    if (opens) depth++;
  }
  flush();
  if (text.length > LISTED) lines.push(`  ;; … ${(text.length - LISTED).toLocaleString("en-US")} more`);
  lines.push(")");
  return lines;
}
