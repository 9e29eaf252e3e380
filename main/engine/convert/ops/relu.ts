/** Relu → fused into the operator before it when possible, else RELU. */
import { ActivationFunctionType, BuiltinOperator } from '../../tflite/generated/tflite';
import type { OpConverter } from '../op-converter';
import { activation, clampConst } from './common/activation';

export const relu: OpConverter = {
  convert: (ctx) => [activation(ctx, ActivationFunctionType.RELU, BuiltinOperator.RELU)],
  fold: (_ctx, [x]) => [clampConst(x!, 0, Infinity)],
};
