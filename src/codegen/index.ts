// The code generator's entry points. `compileToString` reads as the back end of the pipeline,
// one line per stage; it is pure (text in the result depends on the graph and options only).
// `load` imports generated text as a module; when that fails, the error quotes the source.
import { differentiate } from "../graph/autodiff.js";
import type { Graph } from "../graph/ir.js";
import { simplify } from "../graph/simplify.js";
import type { ModelModule } from "./contract.js";
import { renderDeclarations } from "./dts.js";
export { CompileError } from "./errors.js";
import { indent, prettify } from "./format.js";
import { lower } from "./lower.js";
import { renderModule } from "./module/index.js";

export interface CompileOptions {
  /** Element type of params, inputs and buffers. Default 'f32'. */
  readonly dtype?: "f32" | "f64";
  /** Fix the batch size at compile time; inputs of other sizes are then an error. */
  readonly batch?: number;
  /** The .nn texts by file name, quoted in the origin comments of kernels. */
  readonly sources?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Where heavy kernels run: JS (default) or WebAssembly SIMD (f32 only: f64 modules are always js). */
  readonly backend?: "js" | "wasm";
  /**
   * Default true: on the wasm backend, a matmul whose left operand may hold many zeros (a model
   * input such as MNIST's pixels, a ReLU output) skips them when a block of rows is sparse enough,
   * checked at run time. false keeps every product dense, so that an Inf or NaN in the other
   * operand reaches the result through 0 · Inf as IEEE arithmetic has it.
   */
  readonly zeroSkipping?: boolean;
}

/** What a loaded module exports (contract.ts; the .d.ts says the same with the model's names). */
export type CompiledModel = ModelModule;

/** A model's forward graph -> the text of a standalone ES module. */
export function compileToString(forward: Graph, options: CompileOptions = {}): string {
  const g = forward.loss !== undefined && forward.grads.length === 0 ? differentiate(forward) : forward; // backward nodes
  const simple = simplify(g); // folding, CSE, dead nodes, transposes into matmul flags
  const plan = lower(simple, { ...options, arenaOperands: options.backend === "wasm" }); // fusion, order, buffers: a KernelPlan
  const backend = options.backend === "wasm" && plan.dtype === "f32" ? "wasm" : "js"; // wasm: f32 only
  return indent(renderModule(plan, sourceMap(options.sources), backend).text); // JS text through the safe builder
}

/** The module's .d.ts. */
export function compileDeclarations(forward: Graph, options: Pick<CompileOptions, "dtype"> = {}): string {
  return indent(renderDeclarations(forward, options.dtype ?? "f32").text);
}

/** Both files, the module formatted with prettier (what `nnc compile` writes). */
export async function compileModule(forward: Graph, options: CompileOptions = {}): Promise<{ js: string; dts: string }> {
  return { js: await prettify(compileToString(forward, options)), dts: compileDeclarations(forward, options) };
}

/** Imports generated module text (through a data: URL; nothing is written to disk). */
export async function load(text: string): Promise<CompiledModel> {
  const url = `data:text/javascript;base64,${Buffer.from(text, "utf8").toString("base64")}`;
  try {
    return (await import(url)) as CompiledModel;
  } catch (e) {
    const line = (await failingLine(text, e)) ?? 1;
    throw new Error(`cannot load the generated module: ${(e as Error).message}\n${excerpt(text, line)}`, { cause: e });
  }
}

function sourceMap(sources: CompileOptions["sources"]): ReadonlyMap<string, string> {
  if (!sources) return new Map();
  return sources instanceof Map ? sources : new Map(Object.entries(sources));
}

/** The line an error points at: from the stack (errors while evaluating) or a parse (syntax errors). */
async function failingLine(text: string, e: unknown): Promise<number | undefined> {
  const stack = String((e as Error)?.stack ?? "");
  const m = /data:text\/javascript;base64,[A-Za-z0-9+/=]*:(\d+):\d+/.exec(stack);
  if (m) return Number(m[1]);
  try {
    await prettify(text);
  } catch (parseError) {
    const loc = (parseError as { loc?: { start?: { line?: number } } }).loc;
    return loc?.start?.line;
  }
  return undefined;
}

/** Lines around `line`, numbered, the failing one marked. */
export function excerpt(text: string, line: number, around = 4): string {
  const all = text.split("\n");
  const from = Math.max(1, line - around);
  const to = Math.min(all.length, line + around);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${all[n - 1]}`);
  return out.join("\n");
}
