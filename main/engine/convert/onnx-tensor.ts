/** TensorProto → ConstTensor for the converter, through the one ONNX tensor decoder (onnx/tensor-data.ts). */
import { UnsupportedOpError } from '../errors';
import { dataTypeInfo, dataTypeName } from '../onnx/data-type';
import type { TensorProto } from '../onnx/proto/onnx_pb';
import { tensorDims, tensorValues, type TensorDataSource } from '../onnx/tensor-data';
import type { DType } from '../tensor/dtype';
import type { ConstTensor } from './const-tensor';

/** Lowbit's DType for an ONNX element type (float16 and bfloat16 as float32), or undefined. */
export function dtypeOfOnnx(type: number): DType | undefined {
  return dataTypeInfo(type)?.dtype;
}

export function constOfTensor(t: TensorProto, source: TensorDataSource = {}): ConstTensor {
  const values = tensorValues(t, source);
  if (values instanceof BigUint64Array)
    throw new UnsupportedOpError(`tensor "${t.name}" is ${dataTypeName(t.dataType)}`);
  return { dtype: dtypeOfOnnx(t.dataType)!, dims: tensorDims(t), data: values };
}
