/**
 * TensorProto → ConstTensor for the converter. Until main/engine/onnx/tensor-data.ts (the one
 * TensorProto decoder) lands, this is a minimal stand-in for the dtypes CNN exports use; then it
 * becomes a thin adapter over that decoder.
 */
import { ModelFormatError, UnsupportedOpError } from '../errors';
import { TensorProto_DataLocation, TensorProto_DataType, type TensorProto } from '../onnx/proto/onnx_pb';
import { allocTyped, dtypeBytes, numElements, type DType } from '../tensor/dtype';
import type { ConstTensor } from './const-tensor';

const DTYPES: Partial<Record<TensorProto_DataType, DType>> = {
  [TensorProto_DataType.FLOAT]: 'float32',
  [TensorProto_DataType.DOUBLE]: 'float64',
  [TensorProto_DataType.UINT8]: 'uint8',
  [TensorProto_DataType.INT8]: 'int8',
  [TensorProto_DataType.UINT16]: 'uint16',
  [TensorProto_DataType.INT16]: 'int16',
  [TensorProto_DataType.INT32]: 'int32',
  [TensorProto_DataType.INT64]: 'int64',
  [TensorProto_DataType.BOOL]: 'bool',
};

/** Lowbit's DType for an ONNX element type, or undefined when it has none. */
export function dtypeOfOnnx(type: number): DType | undefined {
  return DTYPES[type as TensorProto_DataType];
}

export function decodeTensor(t: TensorProto): ConstTensor {
  const dtype = dtypeOfOnnx(t.dataType);
  if (!dtype) throw new UnsupportedOpError(`tensor "${t.name}" has ONNX data type ${t.dataType}`);
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL)
    throw new UnsupportedOpError(`tensor "${t.name}" keeps its data in an external file`);
  const dims = t.dims.map((d) => Number(d));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new ModelFormatError(`tensor "${t.name}" has bad dims [${dims.join(',')}]`);
  const count = numElements(dims);
  const fail = (got: number): never => {
    throw new ModelFormatError(`tensor "${t.name}" of shape [${dims.join(',')}] holds ${got} values`);
  };
  const data = allocTyped(dtype, count);
  if (t.rawData.length > 0) {
    const bytes = count * dtypeBytes(dtype);
    if (t.rawData.length !== bytes) fail(t.rawData.length / dtypeBytes(dtype));
    new Uint8Array(data.buffer).set(t.rawData);
    return { dtype, dims, data };
  }
  const values: ArrayLike<number | bigint> =
    dtype === 'float32'
      ? t.floatData
      : dtype === 'float64'
        ? t.doubleData
        : dtype === 'int64'
          ? t.int64Data
          : t.int32Data;
  if (values.length !== count) fail(values.length);
  if (data instanceof BigInt64Array) for (let i = 0; i < count; i++) data[i] = BigInt(values[i]);
  else for (let i = 0; i < count; i++) (data as Float32Array)[i] = Number(values[i]);
  return { dtype, dims, data };
}
