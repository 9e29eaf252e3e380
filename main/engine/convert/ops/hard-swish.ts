/** HardSwish → HARD_SWISH: x · min(max(x + 3, 0), 6) / 6 (ONNX's alpha 1/6, beta 1/2). */
import { BuiltinOperator, BuiltinOptions, HardSwishOptionsT } from '../../tflite/generated/tflite';
import { unaryConverter } from './common/unary';

export const hardSwish = unaryConverter({
  op: BuiltinOperator.HARD_SWISH,
  optionsType: BuiltinOptions.HardSwishOptions,
  options: () => new HardSwishOptionsT(),
  fold: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
});
