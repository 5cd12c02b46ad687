// `nnc compile FILE -o OUT.js`: the model as a standalone ES module and its .d.ts, both written
// atomically (temp file + rename), so a failed or interrupted compile leaves no half file.
import { CompileError, compileModule } from "../codegen/index.js";
import { compiledBackend } from "../runtime/backend.js";
import { writeFileAtomic } from "../runtime/files.js";
import { checkModelSize } from "../runtime/model-size.js";
import { pickModel } from "./graph.js";
import { load, UsageError, type Io } from "./io.js";

export interface CompileCommandOptions {
  readonly set: Record<string, string>;
  readonly output?: string;
  readonly dtype?: string;
  readonly batch?: string;
  readonly model?: string;
  /** Where matmuls run: js or wasm (default: wasm for f32, js for f64). */
  readonly backend?: string;
}

/** OUT.js -> OUT.d.ts, OUT.mjs -> OUT.d.mts (what TypeScript looks for beside each). */
export function declarationPath(out: string): string {
  if (out.endsWith(".mjs")) return out.slice(0, -4) + ".d.mts";
  if (out.endsWith(".js")) return out.slice(0, -3) + ".d.ts";
  return `${out}.d.ts`;
}

export async function compileCommand(file: string, opts: CompileCommandOptions, io: Io): Promise<number> {
  if (!opts.output) throw new UsageError("give the output file: nnc compile FILE -o OUT.js");
  const dtype = opts.dtype ?? "f32";
  if (dtype !== "f32" && dtype !== "f64") throw new UsageError(`--dtype must be f32 or f64, got '${dtype}'`);
  const batch = opts.batch === undefined ? undefined : Number(opts.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1))
    throw new UsageError(`--batch must be an integer >= 1, got '${opts.batch}'`);
  if (opts.backend !== undefined && opts.backend !== "js" && opts.backend !== "wasm")
    throw new UsageError(`--backend must be js or wasm, got '${opts.backend}'`);
  // The fastest by default, as nnc train: wasm for f32 (js for f64); --backend js for plain JavaScript.
  const { backend, note } = compiledBackend(dtype, opts.backend as "js" | "wasm" | undefined);
  if (note !== undefined) io.err(`nnc: note: ${note}\n`);
  const { result, code } = load(file, { set: opts.set }, io);
  if (code !== 0) return code;
  const g = pickModel(result.graphs, opts.model);
  checkModelSize(g, { batch: batch ?? 1, dtype, backend });
  let files: { js: string; dts: string };
  try {
    files = await compileModule(g, { dtype, backend, ...(batch !== undefined && { batch }), sources: result.sources });
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    io.err(`nnc: error: ${file}: ${e.message}\n`);
    return 1;
  }
  const { js, dts } = files;
  const dtsPath = declarationPath(opts.output);
  writeFileAtomic(opts.output, js);
  writeFileAtomic(dtsPath, dts);
  io.out(
    `${file}: ${g.model} -> ${opts.output} and ${dtsPath} (${dtype}${backend === "wasm" ? ", wasm" : ""}${batch !== undefined ? `, batch ${batch}` : ""})\n`,
  );
  return 0;
}
