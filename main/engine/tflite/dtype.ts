/** TFLite's TensorType enum <-> Lowbit's format-neutral DType. */
import type { DType } from '../tensor/dtype';
import { TensorType } from './model';

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
