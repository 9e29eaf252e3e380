/** Sum (variadic) → ADD per extra input. */
import {
  ActivationFunctionType,
  AddOptionsT,
  BuiltinOperator,
  BuiltinOptions,
} from '../../tflite/generated/tflite';
import { variadicConverter } from './common/float-binary';

export const ADD_SPEC = {
  op: BuiltinOperator.ADD,
  optionsType: BuiltinOptions.AddOptions,
  options: () => new AddOptionsT(ActivationFunctionType.NONE),
  fold: (x: number, y: number) => x + y,
};

export const sum = variadicConverter(ADD_SPEC);
