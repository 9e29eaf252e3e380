/** PRelu → PRELU, the slope broadcast to the input (per channel in channel-last layout). */
import { BuiltinOperator, BuiltinOptions } from '../../tflite/generated/tflite';
import { floatBinaryConverter } from './common/float-binary';

export const pRelu = floatBinaryConverter({
  op: BuiltinOperator.PRELU,
  optionsType: BuiltinOptions.NONE,
  options: () => null,
  fold: (x, slope) => (x < 0 ? x * slope : x),
});
