/** Div → DIV (broadcasting). Folding integer constants truncates toward zero, as ONNX Runtime does. */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  DivOptionsT,
} from '../../tflite/generated/tflite';
import { floatBinaryConverter } from './common/float-binary';

export const div = floatBinaryConverter({
  op: BuiltinOperator.DIV,
  optionsType: BuiltinOptions.DivOptions,
  options: () => new DivOptionsT(ActivationFunctionType.NONE),
  fold: (x, y) => x / y,
});
