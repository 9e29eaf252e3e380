/** Sub → SUB (broadcasting). */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  SubOptionsT,
} from '../../tflite/generated/tflite';
import { floatBinaryConverter } from './common/float-binary';

export const sub = floatBinaryConverter({
  op: BuiltinOperator.SUB,
  optionsType: BuiltinOptions.SubOptions,
  options: () => new SubOptionsT(ActivationFunctionType.NONE),
  fold: (x, y) => x - y,
});
