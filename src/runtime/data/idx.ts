// The IDX format of MNIST (and Fashion-MNIST, EMNIST, ...), plain or gzip-compressed.
//
// Layout, all big-endian: a 4-byte magic number 0x00 0x00 <dtype> <ndims>, then ndims 4-byte
// dimension sizes, then the values in row-major order. MNIST images are 0x00000803 (ubyte, 3 dims:
// count x rows x cols) and labels 0x00000801 (ubyte, 1 dim: count).
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { dataFail, plural } from "./errors.js";
import { unitBytes } from "./unit-bytes.js";

export type IdxDtype = "ubyte" | "byte" | "short" | "int" | "float" | "double";
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly dims: readonly number[];
  readonly data: IdxData;
}

/** Images (or any IDX file of >= 2 dims) as rows of features. */
export interface IdxImages {
  /** rows x features, row-major; ubyte pixels are scaled to [0, 1], other types kept as they are. */
  readonly x: Float32Array;
  readonly rows: number;
  readonly features: number;
  /** The dims the file declares, e.g. [60000, 28, 28]. */
  readonly dims: readonly number[];
}

const DTYPES: Readonly<Record<number, { dtype: IdxDtype; bytes: number }>> = {
  0x08: { dtype: "ubyte", bytes: 1 },
  0x09: { dtype: "byte", bytes: 1 },
  0x0b: { dtype: "short", bytes: 2 },
  0x0c: { dtype: "int", bytes: 4 },
  0x0d: { dtype: "float", bytes: 4 },
  0x0e: { dtype: "double", bytes: 8 },
};

const INTEGER_DTYPES: ReadonlySet<IdxDtype> = new Set(["ubyte", "byte", "short", "int"]);

const hex32 = (v: number) => "0x" + (v >>> 0).toString(16).padStart(8, "0");

/**
 * A file's bytes, gunzipped when it starts with the gzip magic bytes 1f 8b (whatever its name).
 * `name` is how errors refer to the file (default: the path).
 */
export function readBytes(path: string, name = path): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, expected a file" : (e as Error).message;
    return dataFail(name, `cannot read${name === path ? "" : ` ${path}`}: ${why}`);
  }
  if (bytes.length === 0) dataFail(name, "the file is empty (0 bytes)");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      dataFail(name, `starts like a gzip file (bytes 1f 8b) but does not decompress: ${(e as Error).message}; download it again`);
    }
    if (bytes.length === 0) dataFail(name, "decompresses to an empty file (0 bytes)");
  }
  return bytes;
}

/** Parses IDX bytes. Every way the bytes can disagree with the header is a DataError naming `name`. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) dataFail(name, `too short for an IDX file (${plural(bytes.length, "byte")}; the magic number alone takes 4)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = DTYPES[bytes[2]!];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || bytes[3] === 0) {
    dataFail(name, `not an IDX file: magic number ${hex32(magic)}, expected 0x00000803 (images) or 0x00000801 (labels)${textHint(bytes)}`);
  }
  const ndims = bytes[3]!;
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    dataFail(
      name,
      `truncated: the header declares ${ndims} dimensions (${headerBytes} header bytes) but the file has ${plural(bytes.length, "byte")}`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = count * type.bytes;
  const actual = bytes.length - headerBytes;
  const what = `${dims.map((d) => d.toLocaleString("en-US")).join(" × ")} ${type.dtype} values`;
  if (actual < expected) {
    dataFail(
      name,
      `truncated: the header says ${what} (${plural(expected, "byte")} of data), but the file has only ${plural(actual, "byte")} after its ${headerBytes}-byte header`,
    );
  }
  if (actual > expected) {
    dataFail(name, `has ${plural(actual - expected, "byte")} more than the header's ${what} need; the file is corrupt or not IDX`);
  }
  return { dtype: type.dtype, dims, data: decode(view, headerBytes, count, type.dtype) };
}

/** Values after the header; multi-byte types are big-endian in the file, so read through a DataView. */
function decode(view: DataView, offset: number, count: number, dtype: IdxDtype): IdxData {
  switch (dtype) {
    case "ubyte":
      return new Uint8Array(view.buffer, view.byteOffset + offset, count);
    case "byte":
      return new Int8Array(view.buffer, view.byteOffset + offset, count);
    case "short": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i);
      return out;
    }
    case "int": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i);
      return out;
    }
    case "float": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i);
      return out;
    }
    case "double": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i);
      return out;
    }
  }
}

/** A hint for the most common mix-up: a text file (CSV) given where IDX was expected. */
function textHint(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 24);
  const printable = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (!printable) return "";
  const text = Buffer.from(head).toString("latin1").split(/\r?\n/)[0];
  return `; the file starts with text ("${text}…"): if it is CSV, give it a .csv name`;
}

export function readIdx(path: string, name = path): IdxArray {
  return parseIdx(readBytes(path, name), name);
}

/** Where decoded rows go: a zeroed Float32Array of n values (e.g. in a module's memory, which evaluation then reads in place). */
export type Allocate = (n: number) => Float32Array;

/** An IDX file of images (count x rows x cols) or vectors (count x features) as a row-major matrix. */
export function readIdxImages(path: string, name = path, allocate: Allocate = (n) => new Float32Array(n)): IdxImages {
  const idx = readIdx(path, name);
  if (idx.dims.length < 2) {
    dataFail(
      name,
      `is a 1-dimensional IDX file (${idx.dims[0]} ${idx.dtype} values, like labels), expected images (magic 0x00000803: count × rows × cols)`,
    );
  }
  const rows = idx.dims[0]!;
  const features = idx.dims.slice(1).reduce((a, b) => a * b, 1);
  if (rows === 0) dataFail(name, "holds no images (the header's count is 0)");
  const x = allocate(idx.data.length);
  if (idx.data instanceof Uint8Array) unitBytes(idx.data, x);
  else x.set(idx.data);
  return { x, rows, features, dims: idx.dims };
}

/** An IDX file of labels (count) as class indices. */
export function readIdxLabels(path: string, name = path): Int32Array {
  const idx = readIdx(path, name);
  if (idx.dims.length !== 1) {
    dataFail(
      name,
      `is a ${idx.dims.length}-dimensional IDX file (${idx.dims.join(" × ")}, like images), expected labels (magic 0x00000801: one label per image)`,
    );
  }
  if (!INTEGER_DTYPES.has(idx.dtype))
    dataFail(name, `holds ${idx.dtype} labels; class labels must be an integer type (ubyte, byte, short or int)`);
  if (idx.dims[0] === 0) dataFail(name, "holds no labels (the header's count is 0)");
  return Int32Array.from(idx.data);
}
