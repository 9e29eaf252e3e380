/** Elu → ELU, whose alpha is 1 (another alpha is refused: TFLite's ELU has no parameter). */
import { BuiltinOperator } from '../../tflite/generated/tflite';
import type { OpConverter } from '../op-converter';
import { emitUnary, floatAct, unaryConverter } from './common/unary';

const ELU = { op: BuiltinOperator.ELU, fold: (x: number) => (x >= 0 ? x : Math.expm1(x)) };
const elu1 = unaryConverter(ELU);

export const elu: OpConverter = {
  convert(ctx) {
    const alpha = ctx.attrs.float('alpha', 1);
    if (alpha !== 1) ctx.unsupported(`alpha ${alpha} (TFLite's ELU has alpha 1)`);
    return [emitUnary(ctx, floatAct(ctx), ELU)];
  },
  fold: (ctx, inputs) => {
    const alpha = ctx.attrs.float('alpha', 1);
    if (alpha !== 1) ctx.unsupported(`alpha ${alpha} (TFLite's ELU has alpha 1)`);
    return elu1.fold!(ctx, inputs);
  },
};
