// Trained params in safetensors files (https://github.com/huggingface/safetensors), which PyTorch,
// JAX and numpy tools read. The format itself is src/prelude/safetensors.ts, which compiled
// modules carry too (loadParams, saveParams); this adds reading and writing files (atomically).
import { readFileSync } from "node:fs";
import { decodeSafetensors, encodeSafetensors, type NamedTensor, type SafetensorsFile } from "../prelude/safetensors.js";
import { writeFileAtomic } from "./files.js";

export type FloatArray = Float32Array | Float64Array;
export { decodeSafetensors, encodeSafetensors, type NamedTensor, type SafetensorsFile } from "../prelude/safetensors.js";

export function writeSafetensors(
  path: string,
  tensors: Readonly<Record<string, NamedTensor>>,
  metadata: Readonly<Record<string, string>> = {},
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return decodeSafetensors(bytes, path);
}
