// TensorProto values as numbers: float and double weights, int64 and int32 shapes and axes,
// from the typed fields or raw_data (little-endian, as the format says).
import { DataType, type TensorProto } from "../proto.js";

export interface Constant {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const NAMES: Readonly<Record<number, string>> = {
  1: "FLOAT",
  2: "UINT8",
  3: "INT8",
  4: "UINT16",
  5: "INT16",
  6: "INT32",
  7: "INT64",
  8: "STRING",
  9: "BOOL",
  10: "FLOAT16",
  11: "DOUBLE",
  12: "UINT32",
  13: "UINT64",
  16: "BFLOAT16",
};

export function dataTypeName(t: number | undefined): string {
  return NAMES[t ?? 0] ?? `data type ${t}`;
}

/** The data types nnc reads: weights as float or double, shapes and axes as int64 or int32. */
const READ: Readonly<Record<number, { bytes: number; get: (v: DataView, at: number) => number; field: keyof TensorProto }>> = {
  [DataType.FLOAT]: { bytes: 4, get: (v, at) => v.getFloat32(at, true), field: "floatData" },
  [DataType.DOUBLE]: { bytes: 8, get: (v, at) => v.getFloat64(at, true), field: "doubleData" },
  [DataType.INT64]: { bytes: 8, get: (v, at) => Number(v.getBigInt64(at, true)), field: "int64Data" },
  [DataType.INT32]: { bytes: 4, get: (v, at) => v.getInt32(at, true), field: "int32Data" },
};

/** The tensor's values, or undefined for a data type nnc does not read (the caller says which). */
export function readTensor(t: TensorProto): Constant | undefined {
  const read = READ[t.dataType ?? 0];
  if (!read) return undefined;
  const shape = (t.dims ?? []).map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const raw = t.rawData;
  let data: Float64Array;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    data = Float64Array.from({ length: raw.byteLength / read.bytes }, (_, i) => read.get(view, i * read.bytes));
  } else {
    const values = t[read.field];
    data = Float64Array.from(Array.isArray(values) ? values.map(Number) : []);
  }
  if (data.length !== size) throw new Error(`tensor '${t.name ?? ""}' has ${data.length} values for shape [${shape}]`);
  return { shape, data };
}
