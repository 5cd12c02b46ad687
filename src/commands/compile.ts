// `nnc compile FILE -o OUT.js`: the model as a standalone ES module and its .d.ts, both written
// atomically (temp file + rename), so a failed or interrupted compile leaves no half file.
import { CompileError, compileModule } from "../codegen/index.js";
import { compiledBackend } from "../runtime/backend.js";
import { writeFileAtomic } from "../runtime/files.js";
import { checkModelSize } from "../runtime/model-size.js";
import { renderJaxModule } from "../codegen/jax/module.js";
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
  /** js (an ES module, the default) or jax (a Python module: src/codegen/jax/). */
  readonly target?: string;
  /** false with --no-zero-skipping: every matmul dense (CompileOptions.zeroSkipping). */
  readonly zeroSkipping?: boolean;
}

/** OUT.js -> OUT.d.ts, OUT.mjs -> OUT.d.mts (what TypeScript looks for beside each). */
export function declarationPath(out: string): string {
  if (out.endsWith(".mjs")) return out.slice(0, -4) + ".d.mts";
  if (out.endsWith(".js")) return out.slice(0, -3) + ".d.ts";
  return `${out}.d.ts`;
}

export async function compileCommand(file: string, opts: CompileCommandOptions, io: Io): Promise<number> {
  if (opts.target === "jax") return compileJax(file, opts, io);
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
    files = await compileModule(g, {
      dtype,
      backend,
      ...(batch !== undefined && { batch }),
      sources: result.sources,
      zeroSkipping: opts.zeroSkipping !== false,
    });
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

/** `--target jax`: the model as a Python module (init, predict, loss) for JAX; dtype and backend are JAX's. */
function compileJax(file: string, opts: CompileCommandOptions, io: Io): number {
  if (!opts.output) throw new UsageError("give the output file: nnc compile FILE --target jax -o model.py");
  for (const flag of ["backend", "batch"] as const)
    if (opts[flag] !== undefined)
      throw new UsageError(`--${flag} is for the js target; a JAX module takes any batch and runs where JAX runs`);
  if (opts.dtype !== undefined && opts.dtype !== "f32")
    throw new UsageError("--dtype is for the js target; a JAX module computes in the dtype of the params and inputs it is given");
  const { result, code } = load(file, { set: opts.set }, io);
  if (code !== 0) return code;
  const g = pickModel(result.graphs, opts.model);
  writeFileAtomic(opts.output, renderJaxModule(g, { sources: result.sources }));
  io.out(`${file}: ${g.model} -> ${opts.output} (JAX)\n`);
  return 0;
}
