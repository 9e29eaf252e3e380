/**
 * Pow → POW on float32. ONNX lets the exponent have another type (int64, int32…): a constant
 * exponent is cast to float32; a float32 base with a runtime integer exponent is refused.
 */
import { BuiltinOperator, BuiltinOptions, PowOptionsT } from '../../tflite/generated/tflite';
import { broadcastBinary, castConst } from '../const-tensor';
import type { OpConverter } from '../op-converter';
import { constValue } from '../values';
import { emitBinary, type BinarySpec } from './common/elementwise';
import { floatAct, requireFloat32 } from './common/unary';

const POW: BinarySpec = {
  op: BuiltinOperator.POW,
  optionsType: BuiltinOptions.PowOptions,
  options: () => new PowOptionsT(),
  fold: (x, y) => Math.pow(x, y),
};

export const pow: OpConverter = {
  convert(ctx) {
    const base =
      ctx.requireInput(0).kind === 'act' ? floatAct(ctx, 0) : requireFloat32(ctx, ctx.requireInput(0), 0);
    let exponent = ctx.requireInput(1);
    if (exponent.kind === 'const' && exponent.value.dtype !== 'float32')
      exponent = constValue(castConst(exponent.value, 'float32'));
    return [emitBinary(ctx, base, requireFloat32(ctx, exponent, 1), POW)];
  },
  fold: (ctx, [a, b]) => [
    broadcastBinary(
      a ?? ctx.unsupported('input 0 is missing'),
      b ?? ctx.unsupported('input 1 is missing'),
      POW.fold,
    ),
  ],
};
