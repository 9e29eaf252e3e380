/**
 * ONNX's element types (TensorProto.DataType) as Lowbit sees them: the name people read, how
 * many bits one element takes in raw_data, which typed field holds it otherwise, and the engine
 * DType of the values Lowbit decodes it to (tensor-data.ts). One row per type; a type without a
 * row (string, complex, the float8/float4 families) is reported by name and not decoded.
 *
 * Adding a type: a row in DATA_TYPES, then its decode and encode in tensor-data.ts.
 */
import { UnsupportedOpError } from '../errors';
import type { DType, TypedArray } from '../tensor/dtype';
import { TensorProto_DataType as OnnxDataType } from './proto/onnx_pb';

export { TensorProto_DataType as OnnxDataType } from './proto/onnx_pb';

/** Which repeated field of TensorProto holds the values when raw_data is not used. */
export type TypedField = 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data';

export interface OnnxDataTypeInfo {
  /** Lower case, as in inspect reports: "float32", "float16", "bfloat16", "int4". */
  name: string;
  /** Bits per element in raw_data (and external data): 2, 4, 8, 16, 32 or 64. */
  bits: number;
  /** The field that holds the values when raw_data is absent. */
  field: TypedField;
  /** The engine dtype of the decoded values; float16 and bfloat16 decode to float32 values. */
  dtype: DType;
  /** The array the values decode to (and encode from): one element per value. */
  array: OnnxValuesConstructor;
}

/**
 * Decoded tensor values: one array element per tensor element, whatever the stored width; the
 * engine's typed arrays, and BigUint64Array for uint64.
 */
export type OnnxValues = TypedArray | BigUint64Array;

export type OnnxValuesConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

const DATA_TYPES: ReadonlyMap<OnnxDataType, OnnxDataTypeInfo> = new Map([
  [
    OnnxDataType.FLOAT,
    { name: 'float32', bits: 32, field: 'floatData', dtype: 'float32', array: Float32Array },
  ],
  [
    OnnxDataType.FLOAT16,
    { name: 'float16', bits: 16, field: 'int32Data', dtype: 'float32', array: Float32Array },
  ],
  [
    OnnxDataType.BFLOAT16,
    { name: 'bfloat16', bits: 16, field: 'int32Data', dtype: 'float32', array: Float32Array },
  ],
  [
    OnnxDataType.DOUBLE,
    { name: 'float64', bits: 64, field: 'doubleData', dtype: 'float64', array: Float64Array },
  ],
  [OnnxDataType.INT8, { name: 'int8', bits: 8, field: 'int32Data', dtype: 'int8', array: Int8Array }],
  [OnnxDataType.UINT8, { name: 'uint8', bits: 8, field: 'int32Data', dtype: 'uint8', array: Uint8Array }],
  [OnnxDataType.INT16, { name: 'int16', bits: 16, field: 'int32Data', dtype: 'int16', array: Int16Array }],
  [
    OnnxDataType.UINT16,
    { name: 'uint16', bits: 16, field: 'int32Data', dtype: 'uint16', array: Uint16Array },
  ],
  [OnnxDataType.INT32, { name: 'int32', bits: 32, field: 'int32Data', dtype: 'int32', array: Int32Array }],
  [
    OnnxDataType.UINT32,
    { name: 'uint32', bits: 32, field: 'uint64Data', dtype: 'uint32', array: Uint32Array },
  ],
  [OnnxDataType.INT64, { name: 'int64', bits: 64, field: 'int64Data', dtype: 'int64', array: BigInt64Array }],
  // No engine DType for uint64: its values are a BigUint64Array (see OnnxValues).
  [
    OnnxDataType.UINT64,
    { name: 'uint64', bits: 64, field: 'uint64Data', dtype: 'other', array: BigUint64Array },
  ],
  [OnnxDataType.BOOL, { name: 'bool', bits: 8, field: 'int32Data', dtype: 'bool', array: Uint8Array }],
  // Sub-byte integers: packed low bits first in raw_data and in each int32_data element;
  // decoded one value per Int8Array / Uint8Array element.
  [OnnxDataType.INT4, { name: 'int4', bits: 4, field: 'int32Data', dtype: 'int4', array: Int8Array }],
  [OnnxDataType.UINT4, { name: 'uint4', bits: 4, field: 'int32Data', dtype: 'uint8', array: Uint8Array }],
  [OnnxDataType.INT2, { name: 'int2', bits: 2, field: 'int32Data', dtype: 'int8', array: Int8Array }],
  [OnnxDataType.UINT2, { name: 'uint2', bits: 2, field: 'int32Data', dtype: 'uint8', array: Uint8Array }],
]);

/** The row for a data type Lowbit decodes, or undefined. */
export function dataTypeInfo(dataType: number): OnnxDataTypeInfo | undefined {
  return DATA_TYPES.get(dataType);
}

/** The row, or an UnsupportedOpError saying which tensor has a type Lowbit does not decode. */
export function requireDataTypeInfo(dataType: number, what: string): OnnxDataTypeInfo {
  const info = DATA_TYPES.get(dataType);
  if (!info) throw new UnsupportedOpError(`${what}: data type ${dataTypeName(dataType)} is not supported`);
  return info;
}

/** A name for any data type number, known or not: "float32", "string", "FLOAT8E4M3FN", "type 99". */
export function dataTypeName(dataType: number): string {
  const info = DATA_TYPES.get(dataType);
  if (info) return info.name;
  if (dataType === OnnxDataType.STRING) return 'string';
  const name = (OnnxDataType as unknown as Record<number, string | undefined>)[dataType];
  return name ?? `type ${dataType}`;
}

/** Bytes `count` elements take in raw_data (sub-byte types round up to whole bytes). */
export function rawByteLength(info: OnnxDataTypeInfo, count: number): number {
  return Math.ceil((count * info.bits) / 8);
}
