/**
 * The tensor vocabulary shared by every model format, the interpreter, the optimizers and the
 * datasets: element types, the typed arrays that hold them, quantization parameters, and small
 * helpers. It imports nothing: the ground floor of the engine.
 */

export type DType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'bool'
  | 'string'
  | 'complex64'
  | 'int4'
  | 'other';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array;

/** real = (q - zeroPoint[c]) * scale[c]; per-tensor when scale.length === 1. */
export interface QuantParams {
  scale: number[];
  zeroPoint: number[];
  /** quantized_dimension: the axis the per-channel arrays run along. */
  axis: number;
}

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

/** True when `typedView` can hold the dtype: a fixed element size and a JavaScript typed array. */
export function hasTypedArray(d: DType): boolean {
  return dtypeBytes(d) > 0 && d !== 'complex64';
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
