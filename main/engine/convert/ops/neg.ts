/** Neg → MUL by -1 (exact; Lowbit's interpreter has no NEG kernel). */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  MulOptionsT,
} from '../../tflite/generated/tflite';
import { scalarOperandConverter } from './common/unary';

export const neg = scalarOperandConverter(
  {
    op: BuiltinOperator.MUL,
    optionsType: BuiltinOptions.MulOptions,
    options: () => new MulOptionsT(ActivationFunctionType.NONE),
  },
  -1,
  false,
  (x) => -x,
);
