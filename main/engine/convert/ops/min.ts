/** Min (variadic) → MINIMUM per extra input. */
import { BuiltinOperator, BuiltinOptions, MaximumMinimumOptionsT } from '../../tflite/generated/tflite';
import { variadicConverter } from './common/float-binary';

export const min = variadicConverter(
  {
    op: BuiltinOperator.MINIMUM,
    optionsType: BuiltinOptions.MaximumMinimumOptions,
    options: () => new MaximumMinimumOptionsT(),
    fold: (x, y) => Math.min(x, y),
  },
  ['float32', 'int32', 'int64'],
);
