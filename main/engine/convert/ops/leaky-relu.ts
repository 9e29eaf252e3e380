/** LeakyRelu → LEAKY_RELU with ONNX's alpha (default 0.01). */
import { BuiltinOperator, BuiltinOptions, LeakyReluOptionsT } from '../../tflite/generated/tflite';
import { unaryConverter } from './common/unary';

export const leakyRelu = unaryConverter({
  op: BuiltinOperator.LEAKY_RELU,
  optionsType: BuiltinOptions.LeakyReluOptions,
  options: (ctx) => new LeakyReluOptionsT(ctx.attrs.float('alpha', 0.01)),
  fold: (x, ctx) => (x >= 0 ? x : x * ctx.attrs.float('alpha', 0.01)),
});
