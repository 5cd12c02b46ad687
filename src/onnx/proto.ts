// ONNX files through protobufjs and ONNX's own schema (schema/onnx.proto, from the onnx package,
// Apache-2.0), as plain objects. The interfaces name the fields nnc reads and writes; the schema
// has more, which decoding keeps out of these types and encoding leaves unset.
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

export interface Dimension {
  readonly dimValue?: number;
  readonly dimParam?: string;
}

export interface ValueInfo {
  readonly name: string;
  readonly type?: {
    readonly tensorType?: { readonly elemType?: number; readonly shape?: { readonly dim?: readonly Dimension[] } };
  };
}

export interface TensorProto {
  readonly name?: string;
  readonly dims?: readonly number[];
  readonly dataType?: number;
  readonly floatData?: readonly number[];
  readonly doubleData?: readonly number[];
  readonly int32Data?: readonly number[];
  readonly int64Data?: readonly number[];
  readonly rawData?: Uint8Array;
}

export interface AttributeProto {
  readonly name: string;
  readonly type?: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly t?: TensorProto;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
}

export interface NodeProto {
  readonly name?: string;
  readonly opType: string;
  readonly domain?: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute?: readonly AttributeProto[];
}

export interface GraphProto {
  readonly name?: string;
  readonly node: readonly NodeProto[];
  readonly initializer?: readonly TensorProto[];
  readonly input: readonly ValueInfo[];
  readonly output: readonly ValueInfo[];
}

export interface ModelProto {
  readonly irVersion?: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly opsetImport?: readonly { readonly domain?: string; readonly version: number }[];
  readonly graph?: GraphProto;
}

/** TensorProto.DataType values nnc reads or writes. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

let schema: protobuf.Type | undefined;

/** ModelProto from the schema, loaded once (the .proto ships in the package's schema/ folder). */
function modelType(): protobuf.Type {
  schema ??= protobuf.loadSync(fileURLToPath(new URL("../../schema/onnx.proto", import.meta.url))).lookupType("onnx.ModelProto");
  return schema;
}

const plain: protobuf.IConversionOptions = { longs: Number, enums: Number, arrays: true };

export function encodeModel(model: ModelProto): Uint8Array {
  const t = modelType();
  return t.encode(t.fromObject(model)).finish();
}

/** Decodes an ONNX file; a file that is not one throws protobufjs's error (the caller names the file). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const t = modelType();
  return t.toObject(t.decode(bytes), plain);
}

/** A single TensorProto (the backend tests' input_0.pb files). */
export function decodeTensor(bytes: Uint8Array): TensorProto {
  const t = modelType().lookupType("onnx.TensorProto");
  return t.toObject(t.decode(bytes), plain);
}
