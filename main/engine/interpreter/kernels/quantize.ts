/**
 * QUANTIZE: float32 -> int8/uint8/int16 (reference AffineQuantize: round(x / scale) with the
 * division in float32, ties away from zero, plus zero point, saturated; per-channel when the
 * output has per-channel parameters), and requantization between int8/uint8/int16
 * and int32 -> int8/int16 (reference Requantize: (q - zp_in) rescaled by QuantizeMultiplier(s_in / s_out), computed
 * in double, plus zp_out, saturated).
 */
import { clamp, mbqm, qRange, roundAwayFromZero } from '../../quant/math';
import { numElements } from '../../tensor/dtype';
import { isQuantDtype, multiplierOf, perChannelLayout, perTensor } from './common/kernel-util';
import type { Kernel, OpContext } from '../types';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const out = ctx.output(0);
    out.shape = [...input.shape];
    const n = numElements(input.shape);
    if (!isQuantDtype(out.dtype)) ctx.unsupported(`output dtype ${out.dtype}`);
    const [qmin, qmax] = qRange(out.dtype);
    if (input.dtype === 'float32') {
      if (!out.quant) ctx.unsupported('output has no quantization parameters');
      const { scale, zeroPoint, axis } = out.quant;
      if (scale.length === 1) {
        const s = Math.fround(scale[0]);
        const zp = zeroPoint[0];
        return () => {
          const x = input.data as Float32Array;
          const o = out.data as Int8Array;
          for (let k = 0; k < n; k++) o[k] = clamp(roundAwayFromZero(Math.fround(x[k] / s)) + zp, qmin, qmax);
        };
      }
      const { channels, inner } = perChannelLayout(ctx, input.shape, axis, scale.length);
      return () => {
        const x = input.data as Float32Array;
        const o = out.data as Int8Array;
        for (let k = 0; k < n; k++) {
          const c = Math.floor(k / inner) % channels;
          o[k] = clamp(
            roundAwayFromZero(Math.fround(x[k] / Math.fround(scale[c]))) + zeroPoint[c],
            qmin,
            qmax,
          );
        }
      };
    }
    // int32 -> int8/int16 requantization appears in 16x8 models (TFLite Micro supports it).
    if (!isQuantDtype(input.dtype) && input.dtype !== 'int32') ctx.unsupported(`input dtype ${input.dtype}`);
    const qi = perTensor(ctx, input, 'input');
    const qo = perTensor(ctx, out, 'output');
    const m = multiplierOf(qi.scale / qo.scale);
    return () => {
      const x = input.data as Int8Array;
      const o = out.data as Int8Array;
      for (let k = 0; k < n; k++)
        o[k] = clamp(mbqm(x[k] - qi.zeroPoint, m.multiplier, m.shift) + qo.zeroPoint, qmin, qmax);
    };
  },
};
