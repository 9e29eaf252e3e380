/**
 * Clip → RELU6 (0, 6), RELU (0, ∞), RELU_N1_TO_1 (−1, 1), fused into the operator before it
 * when possible; other bounds become MAXIMUM / MINIMUM with scalar constants. Bounds are
 * attributes before opset 11, optional constant inputs from 11 on.
 */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  MaximumMinimumOptionsT,
} from '../../tflite/generated/tflite';
import { float32Const, numbersOf } from '../const-tensor';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import type { Value } from '../values';
import { activation, clampConst } from './common/activation';
import { emitBinary } from './common/elementwise';

function bounds(ctx: NodeContext): [number, number] {
  if (ctx.opset < 11) return [ctx.attrs.float('min', -Infinity), ctx.attrs.float('max', Infinity)];
  const lo = ctx.optionalConst(1, 'min');
  const hi = ctx.optionalConst(2, 'max');
  return [lo ? numbersOf(lo)[0] : -Infinity, hi ? numbersOf(hi)[0] : Infinity];
}

const FUSED: [number, number, ActivationFunctionType, BuiltinOperator][] = [
  [0, 6, ActivationFunctionType.RELU6, BuiltinOperator.RELU6],
  [0, Infinity, ActivationFunctionType.RELU, BuiltinOperator.RELU],
  [-1, 1, ActivationFunctionType.RELU_N1_TO_1, BuiltinOperator.RELU_N1_TO_1],
];

export const clip: OpConverter = {
  convert(ctx) {
    const [lo, hi] = bounds(ctx);
    const known = FUSED.find(([a, b]) => a === lo && b === hi);
    if (known) return [activation(ctx, known[2], known[3])];
    let v: Value = ctx.act(0);
    const scalar = (x: number) => ({ kind: 'const' as const, value: float32Const([], [x]) });
    const options = () => new MaximumMinimumOptionsT();
    if (lo > -Infinity)
      v = emitBinary(
        ctx,
        v,
        scalar(lo),
        { op: BuiltinOperator.MAXIMUM, optionsType: BuiltinOptions.MaximumMinimumOptions, options },
        hi < Infinity ? ctx.tempName('max') : ctx.outputName(0),
      );
    if (hi < Infinity)
      v = emitBinary(ctx, v, scalar(hi), {
        op: BuiltinOperator.MINIMUM,
        optionsType: BuiltinOptions.MaximumMinimumOptions,
        options,
      });
    return [v];
  },
  fold: (ctx, [x]) => {
    const [lo, hi] = bounds(ctx);
    return [clampConst(x!, lo, hi)];
  },
};
