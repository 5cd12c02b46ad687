// `nnc export FILE --params PARAMS -o OUT.onnx`: the model's inference graph and trained params
// as an ONNX file (src/onnx/export.ts), written atomically.
import { error, formatDiagnostic } from "../diagnostics.js";
import { DEFAULT_OPSET, OnnxError, OPSETS, exportModel } from "../onnx/export.js";
import { encodeModel } from "../onnx/proto.js";
import type { Params } from "../runtime/executable.js";
import { loadParams } from "../runtime/checkpoint.js";
import { writeFileAtomic } from "../runtime/files.js";
import { pickModel } from "./graph.js";
import { load, UsageError, type Io } from "./io.js";

export interface ExportCommandOptions {
  readonly set: Record<string, string>;
  readonly params?: string;
  readonly output?: string;
  readonly opset?: string;
  readonly model?: string;
}

export async function exportCommand(file: string, opts: ExportCommandOptions, io: Io): Promise<number> {
  if (!opts.output) throw new UsageError("give the output file: nnc export FILE --params PARAMS.safetensors -o OUT.onnx");
  if (!opts.params) throw new UsageError("--params is required: the params.safetensors of a trained run (nnc train writes it)");
  const opset = opts.opset === undefined ? DEFAULT_OPSET : Number(opts.opset);
  if (!OPSETS.includes(opset)) throw new UsageError(`--opset must be one of ${OPSETS.join(", ")}, got '${opts.opset}'`);
  const { result, code } = load(file, { set: opts.set }, io);
  if (code !== 0) return code;
  const g = pickModel(result.graphs, opts.model);
  let params: Params;
  try {
    params = loadParams(opts.params, g);
  } catch (e) {
    io.err(`nnc: error: ${(e as Error).message}\n`);
    return 1;
  }
  let bytes: Uint8Array;
  try {
    bytes = encodeModel(exportModel(g, params, { opset }));
  } catch (e) {
    if (!(e instanceof OnnxError)) throw e;
    io.err(e.span ? formatDiagnostic(error(e.message, e.span), result.sources) + "\n" : `nnc: error: ${file}: ${e.message}\n`);
    return 1;
  }
  writeFileAtomic(opts.output, bytes);
  io.out(`${file}: ${g.model} -> ${opts.output} (ONNX, opset ${opset}, ${(bytes.length / 1024).toFixed(1)} KiB)\n`);
  return 0;
}
