/**
 * ONNX tensor data, both ways: a TensorProto's values as one typed array (`tensorValues`), and
 * values back into a TensorProto with raw_data (`makeTensorProto`), for writers.
 *
 *   import { tensorValues, makeTensorProto, OnnxDataType } from '../onnx/tensor-data';
 *   const w = tensorValues(model.initializers.get('conv.weight')!, model); // Float32Array
 *   const t = makeTensorProto('scale', OnnxDataType.FLOAT, [1], Float32Array.of(0.5));
 *
 * What each type decodes to is data-type.ts's table (`array`): float16 and bfloat16 become
 * float32 values, 4- and 2-bit integers one Int8Array/Uint8Array element each, bool 0/1 bytes,
 * int64/uint64 bigint arrays. Data may sit in raw_data (little-endian; sub-byte types packed low
 * bits first), in the typed repeated field for the type, or in an external file
 * (`data_location = EXTERNAL`), read through the ExternalDataResolver only when asked for.
 * Everything is checked against the dims first: element count, stored length, external range.
 * Lowbit runs on little-endian hosts (x64, arm64), so raw bytes are copied, not swapped.
 */
import { ModelFormatError } from '../errors';
import type { ExternalDataResolver } from '../model/external-data';
import type { ModelMemoryBudget } from '../model/memory-budget';
import { floatToHalf, halvesToFloat32 } from '../tensor/float16';
import {
  OnnxDataType,
  rawByteLength,
  requireDataTypeInfo,
  type OnnxDataTypeInfo,
  type OnnxValues,
} from './data-type';
import { create } from '@bufbuild/protobuf';
import { TensorProto_DataLocation, TensorProtoSchema, type TensorProto } from './proto/onnx_pb';

export { OnnxDataType, type OnnxValues } from './data-type';

/** The largest element count Lowbit decodes into one array (a typed array's length limit). */
export const MAX_TENSOR_ELEMENTS = 2 ** 32 - 1;

export interface TensorDataSource {
  /** Where external data is read from; a tensor with external data needs it. */
  externalData?: ExternalDataResolver;
  /** Charged with the decoded values' bytes before they are allocated. */
  budget?: ModelMemoryBudget;
}

/** Where an external tensor's bytes are: `length` bytes of `location` from `offset`. */
export interface ExternalDataRef {
  location: string;
  offset: number;
  length: number;
}

/** A tensor's name for messages: `tensor "conv.weight"`. */
export function tensorLabel(t: TensorProto): string {
  return `tensor "${t.name}"`;
}

/** The dims as numbers, each a non-negative safe integer, or a ModelFormatError. */
export function tensorDims(t: TensorProto): number[] {
  return t.dims.map((d, k) => {
    if (d < 0n || d > BigInt(MAX_TENSOR_ELEMENTS))
      throw new ModelFormatError(
        `${tensorLabel(t)}: dimension ${k} is ${d} (expected 0..${MAX_TENSOR_ELEMENTS})`,
      );
    return Number(d);
  });
}

/** The number of elements the dims describe, within MAX_TENSOR_ELEMENTS. */
export function tensorElementCount(t: TensorProto): number {
  let count = 1;
  for (const d of tensorDims(t)) {
    count *= d;
    if (count > MAX_TENSOR_ELEMENTS)
      throw new ModelFormatError(
        `${tensorLabel(t)}: ${t.dims.join('×')} elements is more than ${MAX_TENSOR_ELEMENTS}`,
      );
  }
  return count;
}

/** True when the tensor's data lives in an external file. */
export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === TensorProto_DataLocation.EXTERNAL;
}

/**
 * The external data entry of a tensor, checked: a location, decimal offset and length, and the
 * length the dims and type need (a missing length means "the rest of the file", resolved by
 * `checkExternalData`; here it is the expected length).
 */
export function externalDataRef(t: TensorProto): ExternalDataRef {
  const info = requireDataTypeInfo(t.dataType, tensorLabel(t));
  const expected = rawByteLength(info, tensorElementCount(t));
  const entries = new Map(t.externalData.map((e) => [e.key, e.value]));
  const location = entries.get('location');
  if (!location) throw new ModelFormatError(`${tensorLabel(t)}: external data without a "location"`);
  if (location.includes('\0'))
    throw new ModelFormatError(`${tensorLabel(t)}: external data location has a NUL byte`);
  const offset = decimalEntry(t, entries.get('offset'), 'offset') ?? 0;
  const length = decimalEntry(t, entries.get('length'), 'length') ?? expected;
  if (length !== expected)
    throw new ModelFormatError(
      `${tensorLabel(t)}: external data length ${length} does not match its ${info.name} dims ${dimsText(t)} (${expected} bytes)`,
    );
  return { location, offset, length };
}

/** Checks that the external range exists, without reading it (the resolver reports its file's size). */
export function checkExternalData(
  t: TensorProto,
  resolver: ExternalDataResolver | undefined,
): ExternalDataRef {
  const ref = externalDataRef(t);
  if (!resolver)
    throw new ModelFormatError(
      `${tensorLabel(t)}: its data is in the external file "${ref.location}", but the model was read without its folder`,
    );
  const size = aboutTensor(t, () => resolver.size(ref.location));
  if (ref.offset + ref.length > size)
    throw new ModelFormatError(
      `${tensorLabel(t)}: external data "${ref.location}" offset ${ref.offset} + length ${ref.length} is past its end (${size} bytes)`,
    );
  return ref;
}

/** The bytes the tensor's data takes as stored (raw, typed field or external), for reports. */
export function storedByteLength(t: TensorProto): number {
  const info = requireDataTypeInfo(t.dataType, tensorLabel(t));
  return rawByteLength(info, tensorElementCount(t));
}

/** The tensor's values, decoded and checked against its dims (external data read here). */
export function tensorValues(t: TensorProto, source: TensorDataSource = {}): OnnxValues {
  const info = requireDataTypeInfo(t.dataType, tensorLabel(t));
  const count = tensorElementCount(t);
  source.budget?.charge(count * info.array.BYTES_PER_ELEMENT, `decoding ${tensorLabel(t)}`);
  if (isExternal(t)) {
    const ref = checkExternalData(t, source.externalData);
    const resolver = source.externalData!;
    const bytes = aboutTensor(t, () => resolver.read(ref.location, ref.offset, ref.length));
    if (bytes.length !== ref.length)
      throw new ModelFormatError(
        `${tensorLabel(t)}: external data "${ref.location}" gave ${bytes.length} of ${ref.length} bytes`,
      );
    return fromRaw(info, t.dataType, bytes, count);
  }
  const typed = t[info.field];
  if (t.rawData.length > 0 || typed.length === 0) {
    const expected = rawByteLength(info, count);
    if (t.rawData.length !== expected)
      throw new ModelFormatError(
        `${tensorLabel(t)}: ${t.rawData.length} bytes of data for ${info.name} dims ${dimsText(t)} (expected ${expected})`,
      );
    return fromRaw(info, t.dataType, t.rawData, count);
  }
  return fromTypedField(info, t, count);
}

/**
 * A TensorProto holding `values` in raw_data. `values` is the array `tensorValues` would return
 * for the type (float16/bfloat16 from float32 values, rounded to nearest even).
 */
export function makeTensorProto(
  name: string,
  dataType: OnnxDataType,
  dims: readonly number[],
  values: OnnxValues,
): TensorProto {
  const info = requireDataTypeInfo(dataType, `tensor "${name}"`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (!(values instanceof info.array) || values.length !== count)
    throw new ModelFormatError(
      `tensor "${name}": ${info.name} dims [${dims.join(', ')}] need a ${info.array.name} of ${count} values ` +
        `(got a ${values.constructor.name} of ${values.length})`,
    );
  return create(TensorProtoSchema, {
    name,
    dataType,
    dims: dims.map((d) => BigInt(d)),
    rawData: toRaw(info, dataType, values),
  });
}

/** The resolver's ModelFormatErrors with the tensor's name in front. */
function aboutTensor<T>(t: TensorProto, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ModelFormatError)
      throw new ModelFormatError(`${tensorLabel(t)}: ${e.message}`, { cause: e });
    throw e;
  }
}

function dimsText(t: TensorProto): string {
  return `[${t.dims.join(', ')}]`;
}

function decimalEntry(t: TensorProto, text: string | undefined, key: string): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value))
    throw new ModelFormatError(
      `${tensorLabel(t)}: external data ${key} "${text.slice(0, 40)}" is not a byte count`,
    );
  return value;
}

/** Elements packed per byte for sub-byte types (1 otherwise). */
function perByte(info: OnnxDataTypeInfo): number {
  return info.bits < 8 ? 8 / info.bits : 1;
}

function fromRaw(info: OnnxDataTypeInfo, dataType: OnnxDataType, raw: Uint8Array, count: number): OnnxValues {
  if (info.bits < 8) return unpackSubByte(info, raw, count);
  // Copy onto a fresh, aligned buffer of its own: raw_data is a view into the file at any offset
  // (and a Node Buffer's slice() would be another view into its pool, not a copy).
  const copy = new Uint8Array(raw);
  if (dataType === OnnxDataType.FLOAT16) return halvesToFloat32(new Uint16Array(copy.buffer, 0, count));
  if (dataType === OnnxDataType.BFLOAT16) return bfloat16ToFloat32(new Uint16Array(copy.buffer, 0, count));
  if (dataType === OnnxDataType.BOOL) return copy.map((b) => (b ? 1 : 0));
  return new info.array(copy.buffer, 0, count);
}

function fromTypedField(info: OnnxDataTypeInfo, t: TensorProto, count: number): OnnxValues {
  const label = tensorLabel(t);
  const expected = Math.ceil(count / perByte(info));
  const typed = t[info.field];
  if (typed.length !== expected)
    throw new ModelFormatError(
      `${label}: ${typed.length} values in ${info.field} for ${info.name} dims ${dimsText(t)} (expected ${expected})`,
    );
  switch (info.field) {
    case 'floatData':
      return Float32Array.from(t.floatData);
    case 'doubleData':
      return Float64Array.from(t.doubleData);
    case 'int64Data':
      return BigInt64Array.from(t.int64Data);
    case 'uint64Data':
      return t.dataType === OnnxDataType.UINT64
        ? BigUint64Array.from(t.uint64Data)
        : Uint32Array.from(t.uint64Data, (v) => Number(BigInt.asUintN(32, v)));
    case 'int32Data':
      if (info.bits < 8) return unpackSubByte(info, Uint8Array.from(t.int32Data), count);
      if (t.dataType === OnnxDataType.FLOAT16) return halvesToFloat32(Uint16Array.from(t.int32Data));
      if (t.dataType === OnnxDataType.BFLOAT16) return bfloat16ToFloat32(Uint16Array.from(t.int32Data));
      if (t.dataType === OnnxDataType.BOOL) return Uint8Array.from(t.int32Data, (v) => (v ? 1 : 0));
      return (info.array as Int32ArrayConstructor).from(t.int32Data);
  }
}

function unpackSubByte(info: OnnxDataTypeInfo, packed: Uint8Array, count: number): OnnxValues {
  const bits = info.bits;
  const mask = (1 << bits) - 1;
  const signed = info.array === Int8Array;
  const out = new info.array(count) as Int8Array | Uint8Array;
  const per = 8 / bits;
  for (let k = 0; k < count; k++) {
    const v = (packed[Math.floor(k / per)] >> ((k % per) * bits)) & mask;
    out[k] = signed && v >> (bits - 1) ? v - (1 << bits) : v;
  }
  return out;
}

function packSubByte(info: OnnxDataTypeInfo, values: Int8Array | Uint8Array): Uint8Array {
  const bits = info.bits;
  const mask = (1 << bits) - 1;
  const per = 8 / bits;
  const out = new Uint8Array(Math.ceil(values.length / per));
  for (let k = 0; k < values.length; k++)
    out[Math.floor(k / per)] |= (values[k] & mask) << ((k % per) * bits);
  return out;
}

function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let k = 0; k < bits.length; k++) out[k] = bits[k] << 16;
  return new Float32Array(out.buffer);
}

/** float32 bits to bfloat16, round to nearest even; NaN stays a quiet NaN. */
function float32ToBfloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let k = 0; k < bits.length; k++) {
    const b = bits[k];
    out[k] = Number.isNaN(values[k])
      ? ((b >>> 16) | 0x40) & 0xffff
      : ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return out;
}

function toRaw(info: OnnxDataTypeInfo, dataType: OnnxDataType, values: OnnxValues): Uint8Array {
  if (info.bits < 8) return packSubByte(info, values as Int8Array | Uint8Array);
  if (dataType === OnnxDataType.FLOAT16) {
    const halves = Uint16Array.from(values as Float32Array, floatToHalf);
    return new Uint8Array(halves.buffer);
  }
  if (dataType === OnnxDataType.BFLOAT16)
    return new Uint8Array(float32ToBfloat16(values as Float32Array).buffer);
  if (dataType === OnnxDataType.BOOL) return Uint8Array.from(values as Uint8Array, (v) => (v ? 1 : 0));
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}
