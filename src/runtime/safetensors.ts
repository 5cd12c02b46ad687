// Trained params in the safetensors format (https://github.com/huggingface/safetensors), which
// PyTorch, JAX and numpy tools read: an 8-byte little-endian header length, a JSON header naming
// each tensor's dtype, shape and byte range, then the raw little-endian data. String metadata
// rides in the header's `__metadata__`.
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "./files.js";

export type FloatArray = Float32Array | Float64Array;

export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

export interface SafetensorsFile {
  readonly tensors: Record<string, NamedTensor>;
  readonly metadata: Record<string, string>;
}

const DTYPES = { F32: Float32Array, F64: Float64Array } as const;

export function encodeSafetensors(
  tensors: Readonly<Record<string, NamedTensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name]!;
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new Error(`tensor '${name}' has ${t.data.length} values for shape [${t.shape}]`);
    const bytes = t.data.byteLength;
    header[name] = { dtype: t.data instanceof Float32Array ? "F32" : "F64", shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // The data must start 8-byte aligned: pad the header with spaces.
  json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const d = tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, name = "safetensors"): SafetensorsFile {
  const fail = (why: string): never => {
    throw new Error(`${name}: not a valid safetensors file (${why})`);
  };
  if (bytes.length < 8) fail("too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) fail(`header of ${headerLength} bytes in a ${bytes.length}-byte file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString("utf8"));
  } catch {
    return fail("the header is not JSON");
  }
  const base = 8 + headerLength;
  const tensors: Record<string, NamedTensor> = {};
  for (const [key, entry] of Object.entries(header)) {
    if (key === "__metadata__") continue;
    const { dtype, shape, data_offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const ctor = DTYPES[dtype as keyof typeof DTYPES];
    if (!ctor) fail(`tensor '${key}' has dtype ${dtype}; nnc reads F32 and F64`);
    const [from, to] = data_offsets;
    if (!(from >= 0 && to >= from && base + to <= bytes.length)) fail(`tensor '${key}' lies outside the file`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (size * ctor.BYTES_PER_ELEMENT !== to - from) fail(`tensor '${key}' has ${to - from} bytes for shape [${shape}]`);
    // Copy: the file's data need not be aligned for a typed-array view.
    const data = new ctor(size);
    new Uint8Array(data.buffer).set(bytes.subarray(base + from, base + to));
    tensors[key] = { shape, data };
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}

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
