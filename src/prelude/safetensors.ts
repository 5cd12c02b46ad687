// The safetensors format (PyTorch, JAX and numpy tools read it): an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
// little-endian data; string metadata in the header's `__metadata__`. Written once, here: nnc's
// runtime reads and writes its files with it (src/runtime/safetensors.ts), and every compiled
// module carries it for loadParams and saveParams. Float32 and float64 tensors only.

type Floats = Float32Array | Float64Array;

export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: Floats;
}

export interface SafetensorsFile {
  readonly tensors: Record<string, NamedTensor>;
  readonly metadata: Record<string, string>;
}

/** The tensors (by name, written in name order) and metadata as safetensors bytes. */
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
    if (size !== t.data.length) throw new Error("tensor '" + name + "' has " + t.data.length + " values for shape [" + t.shape + "]");
    const bytes = t.data.byteLength;
    header[name] = { dtype: t.data instanceof Float32Array ? "F32" : "F64", shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let head = new TextEncoder().encode(JSON.stringify(header));
  // The data must start 8-byte aligned: pad the header with spaces.
  const pad = (8 - ((8 + head.length) % 8)) % 8;
  if (pad > 0) head = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(pad));
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

/** Safetensors bytes read back; a malformed file is an Error that says what is wrong, prefixed by `name`. */
export function decodeSafetensors(bytes: Uint8Array, name: string = "safetensors"): SafetensorsFile {
  const fail = (why: string): never => {
    throw new Error(name + ": not a valid safetensors file (" + why + ")");
  };
  if (!(bytes instanceof Uint8Array)) fail("expected the file's bytes as a Uint8Array");
  if (bytes.length < 8) fail("too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) fail("header of " + headerLength + " bytes in a " + bytes.length + "-byte file");
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    fail("the header is not JSON");
  }
  if (header === null || typeof header !== "object") fail("the header is not a JSON object");
  const base = 8 + headerLength;
  const tensors: Record<string, NamedTensor> = {};
  for (const [key, entry] of Object.entries(header)) {
    if (key === "__metadata__") continue;
    const { dtype, shape, data_offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const ctor = dtype === "F32" ? Float32Array : dtype === "F64" ? Float64Array : undefined;
    if (!ctor) return fail("tensor '" + key + "' has dtype " + String(dtype) + "; nnc reads F32 and F64");
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return fail("tensor '" + key + "' has no valid shape");
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2) return fail("tensor '" + key + "' has no valid data_offsets");
    const [from, to] = data_offsets as [number, number];
    if (!(from >= 0 && to >= from && base + to <= bytes.length)) fail("tensor '" + key + "' lies outside the file");
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size * ctor.BYTES_PER_ELEMENT !== to - from) fail("tensor '" + key + "' has " + (to - from) + " bytes for shape [" + shape + "]");
    // Copy: the file's data need not be aligned for a typed-array view.
    const data = new ctor(size);
    new Uint8Array(data.buffer).set(bytes.subarray(base + from, base + to));
    tensors[key] = { shape: shape as number[], data };
  }
  const metadata = header.__metadata__;
  return { tensors, metadata: metadata !== null && typeof metadata === "object" ? (metadata as Record<string, string>) : {} };
}
