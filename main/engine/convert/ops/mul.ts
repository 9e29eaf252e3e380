/** Mul → MUL (broadcasting). */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  MulOptionsT,
} from '../../tflite/generated/tflite';
import { floatBinaryConverter } from './common/float-binary';

export const mul = floatBinaryConverter({
  op: BuiltinOperator.MUL,
  optionsType: BuiltinOptions.MulOptions,
  options: () => new MulOptionsT(ActivationFunctionType.NONE),
  fold: (x, y) => x * y,
});
