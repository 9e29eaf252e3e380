/**
 * PRELU: x >= 0 ? x : alpha * x, alpha broadcast against the input (up to 4-D, as TFLite).
 * Quantized (int8, uint8), as reference_ops::BroadcastPrelu4DSlow:
 *   v = q - in_zp; out = out_zp + (v >= 0 ? MBQM(v, m1) : MBQM(v * (a - alpha_zp), m2)), saturated,
 * m1 = QuantizeMultiplier(float(in_scale / out_scale)),
 * m2 = QuantizeMultiplier(float(float(in_scale * alpha_scale) / out_scale)) (float32 arithmetic,
 * as TFLite does on its float params). |v * a| <= 255 * 255 fits int32.
 */
import { clamp, multiplyByQuantizedMultiplier, qRange, quantizeMultiplier } from '../../quant/math';
import type { Kernel } from '../types';
import { broadcastOperands } from './common/broadcast';
import { perTensor } from './common/kernel-util';

const f = Math.fround;

export const kernel: Kernel = {
  prepare(ctx) {
    const input = ctx.input(0);
    const alpha = ctx.input(1);
    const output = ctx.output(0);
    const dt = input.dtype;
    if (alpha.dtype !== dt || output.dtype !== dt)
      ctx.invalid(`dtypes differ: ${dt}, ${alpha.dtype}, ${output.dtype}`);
    const [im, am] = broadcastOperands(ctx, input, alpha, output, 4);
    if (dt === 'float32') {
      return () => {
        const x = input.data as Float32Array;
        const a = alpha.data as Float32Array;
        const o = output.data as Float32Array;
        for (let i = 0; i < o.length; i++) {
          const v = x[im[i]];
          o[i] = v >= 0 ? v : v * a[am[i]];
        }
      };
    }
    if (dt !== 'int8' && dt !== 'uint8') return ctx.unsupported(`dtype ${dt}`);
    const iq = perTensor(ctx, input, 'input');
    const aq = perTensor(ctx, alpha, 'alpha');
    const oq = perTensor(ctx, output, 'output');
    const m1 = quantizeMultiplier(f(f(iq.scale) / f(oq.scale)));
    const m2 = quantizeMultiplier(f(f(f(iq.scale) * f(aq.scale)) / f(oq.scale)));
    const [qmin, qmax] = qRange(dt);
    return () => {
      const x = input.data as Int8Array | Uint8Array;
      const a = alpha.data as Int8Array | Uint8Array;
      const o = output.data as Int8Array | Uint8Array;
      for (let i = 0; i < o.length; i++) {
        const v = x[im[i]] - iq.zeroPoint;
        const r =
          v >= 0
            ? multiplyByQuantizedMultiplier(v, m1.multiplier, m1.shift)
            : multiplyByQuantizedMultiplier(v * (a[am[i]] - aq.zeroPoint), m2.multiplier, m2.shift);
        o[i] = clamp(oq.zeroPoint + r, qmin, qmax);
      }
    };
  },
};
