/**
 * HardSigmoid → max(0, min(1, alpha·x + beta)) as MUL (alpha), ADD (beta) with a fused RELU,
 * MINIMUM (1): TFLite has no hard sigmoid of its own. ONNX's defaults: alpha 0.2, beta 0.5.
 */
import {
  ActivationFunctionType,
  AddOptionsT,
  BuiltinOperator,
  BuiltinOptions,
  MaximumMinimumOptionsT,
  MulOptionsT,
} from '../../tflite/generated/tflite';
import { constOf, float32Const, numbersOf } from '../const-tensor';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { constValue } from '../values';
import { emitBinary } from './common/elementwise';
import { floatAct } from './common/unary';

function coefficients(ctx: NodeContext): [number, number] {
  return [ctx.attrs.float('alpha', 0.2), ctx.attrs.float('beta', 0.5)];
}

const scalar = (v: number) => constValue(float32Const([], [v]));

export const hardSigmoid: OpConverter = {
  convert(ctx) {
    const [alpha, beta] = coefficients(ctx);
    const x = floatAct(ctx);
    const scaled = emitBinary(
      ctx,
      x,
      scalar(alpha),
      { op: BuiltinOperator.MUL, optionsType: BuiltinOptions.MulOptions, options: () => new MulOptionsT() },
      ctx.tempName('scaled'),
    );
    const shifted = emitBinary(
      ctx,
      scaled,
      scalar(beta),
      {
        op: BuiltinOperator.ADD,
        optionsType: BuiltinOptions.AddOptions,
        options: () => new AddOptionsT(ActivationFunctionType.RELU),
      },
      ctx.tempName('shifted'),
    );
    return [
      emitBinary(ctx, shifted, scalar(1), {
        op: BuiltinOperator.MINIMUM,
        optionsType: BuiltinOptions.MaximumMinimumOptions,
        options: () => new MaximumMinimumOptionsT(),
      }),
    ];
  },
  fold(ctx, [x]) {
    const [alpha, beta] = coefficients(ctx);
    const c = x ?? ctx.unsupported('input 0 is missing');
    return [
      constOf(
        c.dtype,
        c.dims,
        numbersOf(c).map((v) => Math.max(0, Math.min(1, alpha * v + beta))),
      ),
    ];
  },
};
