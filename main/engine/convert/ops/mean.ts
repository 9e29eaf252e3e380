/** Mean (variadic) → ADD per extra input, then DIV by the input count. */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  DivOptionsT,
} from '../../tflite/generated/tflite';
import { float32Const } from '../const-tensor';
import { variadicConverter } from './common/float-binary';
import { ADD_SPEC } from './sum';

export const mean = variadicConverter(ADD_SPEC, ['float32'], {
  spec: {
    op: BuiltinOperator.DIV,
    optionsType: BuiltinOptions.DivOptions,
    options: () => new DivOptionsT(ActivationFunctionType.NONE),
    fold: (x, n) => x / n,
  },
  operand: (count) => float32Const([], [count]),
});
