/**
 * LEAKY_RELU: x > 0 ? x : alpha * x.
 * Quantized (int8, uint8, int16), as TFLite/TFLM's QuantizeLeakyRelu: with v = q - in_zp,
 *   out = out_zp + MultiplyByQuantizedMultiplier(v, v >= 0 ? identity : alpha), saturated,
 * where the multipliers come from float32 arithmetic on the float params, widened to double:
 *   identity = float(in_scale / out_scale), alpha = float(float(in_scale * alpha) / out_scale).
 */
import { clamp, multiplyByQuantizedMultiplier, qRange, quantizeMultiplier } from '../../quant/math';
import type { Kernel } from '../types';
import { isQuantDtype, perTensor, sameDtypeElementwise } from './common/kernel-util';
import { applyCodeTable, applyFloat, buildCodeTable } from './common/unary-lut';

const f = Math.fround;

export interface LeakyReluQuantParams {
  inZp: number;
  outZp: number;
  identityMultiplier: number;
  identityShift: number;
  alphaMultiplier: number;
  alphaShift: number;
  qmin: number;
  qmax: number;
}

export function leakyReluParams(
  inScale: number,
  inZp: number,
  outScale: number,
  outZp: number,
  alpha: number,
  range: [number, number],
): LeakyReluQuantParams {
  const id = quantizeMultiplier(f(f(inScale) / f(outScale)));
  const al = quantizeMultiplier(f(f(f(inScale) * f(alpha)) / f(outScale)));
  return {
    inZp,
    outZp,
    identityMultiplier: id.multiplier,
    identityShift: id.shift,
    alphaMultiplier: al.multiplier,
    alphaShift: al.shift,
    qmin: range[0],
    qmax: range[1],
  };
}

export function leakyReluQuantized(q: number, p: LeakyReluQuantParams): number {
  const v = q - p.inZp;
  const scaled =
    v >= 0
      ? multiplyByQuantizedMultiplier(v, p.identityMultiplier, p.identityShift)
      : multiplyByQuantizedMultiplier(v, p.alphaMultiplier, p.alphaShift);
  return clamp(p.outZp + scaled, p.qmin, p.qmax);
}

export const kernel: Kernel = {
  prepare(ctx) {
    const { input, output } = sameDtypeElementwise(ctx);
    const alpha: number = ctx.options?.alpha ?? 0;
    if (input.dtype === 'float32') {
      const a = f(alpha);
      return () => applyFloat(input.data, output.data, (x) => (x > 0 ? x : x * a));
    }
    if (!isQuantDtype(input.dtype)) return ctx.unsupported(`dtype ${input.dtype}`);
    const iq = perTensor(ctx, input, 'input');
    const oq = perTensor(ctx, output, 'output');
    const p = leakyReluParams(iq.scale, iq.zeroPoint, oq.scale, oq.zeroPoint, alpha, qRange(input.dtype));
    const table = buildCodeTable(input.dtype, (q) => leakyReluQuantized(q, p));
    return () => applyCodeTable(table, input.data, output.data);
  },
};
