/** Reciprocal → DIV of 1 by the input (IEEE division, as ONNX Runtime's 1 / x). */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  DivOptionsT,
} from '../../tflite/generated/tflite';
import { scalarOperandConverter } from './common/unary';

export const reciprocal = scalarOperandConverter(
  {
    op: BuiltinOperator.DIV,
    optionsType: BuiltinOptions.DivOptions,
    options: () => new DivOptionsT(ActivationFunctionType.NONE),
  },
  1,
  true,
  (x) => 1 / x,
);
