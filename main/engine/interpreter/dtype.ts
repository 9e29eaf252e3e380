import { TensorType } from '../tflite/model';
import type { DType, TypedArray } from './types';

export function dtypeOf(t: TensorType): DType {
  switch (t) {
    case TensorType.FLOAT32:
      return 'float32';
    case TensorType.FLOAT16:
      return 'float16';
    case TensorType.FLOAT64:
      return 'float64';
    case TensorType.INT8:
      return 'int8';
    case TensorType.UINT8:
      return 'uint8';
    case TensorType.INT16:
      return 'int16';
    case TensorType.UINT16:
      return 'uint16';
    case TensorType.INT32:
      return 'int32';
    case TensorType.UINT32:
      return 'uint32';
    case TensorType.INT64:
      return 'int64';
    case TensorType.BOOL:
      return 'bool';
    case TensorType.STRING:
      return 'string';
    case TensorType.COMPLEX64:
      return 'complex64';
    case TensorType.INT4:
      return 'int4';
    default:
      return 'other';
  }
}

export function tensorTypeOf(d: DType): TensorType {
  const map: Partial<Record<DType, TensorType>> = {
    float32: TensorType.FLOAT32,
    float16: TensorType.FLOAT16,
    float64: TensorType.FLOAT64,
    int8: TensorType.INT8,
    uint8: TensorType.UINT8,
    int16: TensorType.INT16,
    uint16: TensorType.UINT16,
    int32: TensorType.INT32,
    uint32: TensorType.UINT32,
    int64: TensorType.INT64,
    bool: TensorType.BOOL,
    string: TensorType.STRING,
    complex64: TensorType.COMPLEX64,
    int4: TensorType.INT4,
  };
  const t = map[d];
  if (t === undefined) throw new RangeError(`no TensorType for ${d}`);
  return t;
}

/** Bytes per element; 0 for types without a fixed element size. */
export function dtypeBytes(d: DType): number {
  switch (d) {
    case 'float64':
    case 'int64':
    case 'complex64':
      return 8;
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'int8':
    case 'uint8':
    case 'bool':
      return 1;
    default:
      return 0;
  }
}

/** A typed view over bytes (which must be aligned for the element size) or a fresh array. */
export function typedView(d: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray {
  switch (d) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'float64':
      return new Float64Array(buffer, byteOffset, length);
    case 'int8':
      return new Int8Array(buffer, byteOffset, length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, length);
    case 'int16':
      return new Int16Array(buffer, byteOffset, length);
    case 'float16':
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'int32':
      return new Int32Array(buffer, byteOffset, length);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, length);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, length);
    default:
      throw new RangeError(`no typed array for ${d}`);
  }
}

export function allocTyped(d: DType, length: number): TypedArray {
  const bytes = dtypeBytes(d);
  if (bytes === 0) throw new RangeError(`cannot allocate ${d}`);
  return typedView(d, new ArrayBuffer(length * bytes), 0, length);
}

export function numElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
