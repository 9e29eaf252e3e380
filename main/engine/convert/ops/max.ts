/** Max (variadic) → MAXIMUM per extra input. */
import { BuiltinOperator, BuiltinOptions, MaximumMinimumOptionsT } from '../../tflite/generated/tflite';
import { variadicConverter } from './common/float-binary';

export const max = variadicConverter(
  {
    op: BuiltinOperator.MAXIMUM,
    optionsType: BuiltinOptions.MaximumMinimumOptions,
    options: () => new MaximumMinimumOptionsT(),
    fold: (x, y) => Math.max(x, y),
  },
  ['float32', 'int32', 'int64'],
);
