/**
 * Upsample (opsets 7–9, deprecated for Resize) → RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR,
 * sampling as asymmetric + floor (Upsample's definition). Scales: attribute at opset 7, constant
 * input 1 after.
 */
import { numbersOf } from '../const-tensor';
import type { OpConverter } from '../op-converter';
import { emitResize } from './common/resize';
import { floatAct } from './common/unary';

export const upsample: OpConverter = {
  convert(ctx) {
    const x = floatAct(ctx);
    const scales = ctx.opset < 9 ? ctx.attrs.floats('scales', []) : numbersOf(ctx.constInput(1, 'scales'));
    const mode = ctx.attrs.string('mode', 'nearest');
    return [emitResize(ctx, x, { mode, coordinateMode: 'asymmetric', nearestMode: 'floor', scales })];
  },
};
