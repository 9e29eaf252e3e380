/** Add → ADD (broadcasting; a Relu after it fuses). */
import {
  ActivationFunctionType,
  AddOptionsT,
  BuiltinOperator,
  BuiltinOptions,
} from '../../tflite/generated/tflite';
import { binaryConverter } from './common/elementwise';

export const add = binaryConverter({
  op: BuiltinOperator.ADD,
  optionsType: BuiltinOptions.AddOptions,
  options: () => new AddOptionsT(ActivationFunctionType.NONE),
  fold: (x, y) => x + y,
});
