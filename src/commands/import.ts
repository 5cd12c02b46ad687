// `nnc import MODEL.onnx -o OUT.nn`: a readable .nn file (src/onnx/import/) and OUT.safetensors
// beside it with the weights under the file's param names. The .nn file is checked (parsed and
// elaborated) before anything is written, and formatted as `nnc fmt` would.
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { formatDiagnostics } from "../diagnostics.js";
import { formatNn } from "../format/format.js";
import { frontend } from "../index.js";
import { ImportError, importModel } from "../onnx/import/index.js";
import { decodeModel, type ModelProto } from "../onnx/proto.js";
import { writeFileAtomic } from "../runtime/files.js";
import { writeSafetensors } from "../runtime/safetensors.js";
import { UsageError, type Io } from "./io.js";

export interface ImportCommandOptions {
  readonly output?: string;
  readonly name?: string;
}

/** OUT.nn -> OUT.safetensors */
export function weightsPath(out: string): string {
  return (out.endsWith(".nn") ? out.slice(0, -3) : out) + ".safetensors";
}

/** `my-mlp.nn` -> `MyMlp`. */
function modelName(out: string): string {
  const words = basename(out, extname(out))
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  return /^[A-Za-z]/.test(name) ? name : `Model${name}`;
}

export async function importCommand(file: string, opts: ImportCommandOptions, io: Io): Promise<number> {
  if (!opts.output) throw new UsageError("give the output file: nnc import MODEL.onnx -o OUT.nn");
  if (opts.name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.name)) {
    throw new UsageError(`--name must be an identifier (letters, digits, _), got '${opts.name}'`);
  }
  const bytes = readFileSync(file);
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    io.err(`nnc: error: ${file}: not an ONNX model (${(e as Error).message})\n`);
    return 1;
  }
  let imported;
  try {
    imported = importModel(model, { name: opts.name ?? modelName(opts.output), source: basename(file) });
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    io.err(`nnc: error: ${file}: ${e.message}\n`);
    return 1;
  }
  // The importer checks shapes as it goes; what nnc still rejects (an ONNX file whose own shapes
  // disagree) is reported with the .nn text it would have written, and nothing is written.
  const check = frontend(imported.nn, opts.output);
  if (check.diagnostics.some((d) => d.severity === "error")) {
    io.err(`nnc: error: ${file}: the model does not check as .nn (is the ONNX file valid?):\n`);
    io.err(formatDiagnostics(check.diagnostics, check.sources) + "\n");
    return 1;
  }
  const nn = await formatNn(imported.nn, opts.output);
  const weights = weightsPath(opts.output);
  writeFileAtomic(opts.output, nn);
  writeSafetensors(weights, imported.tensors, { model: imported.model, source: basename(file) });
  const count = Object.values(imported.tensors).reduce((n, t) => n + t.data.length, 0);
  io.out(`${file}: ${imported.model} -> ${opts.output} and ${weights} (${count.toLocaleString("en")} weights)\n`);
  return 0;
}
