/**
 * RELU, RELU6 and RELU_N1_TO_1 share TFLite's ReluX: float clamps; quantized forms requantize
 * input -> output with QuantizeMultiplier(double(in_scale / out_scale)) (a float32 division,
 * as TFLite computes it from float params) and clamp to the activation's quantized bounds
 *   min = max(T_min, out_zp + (int)roundf(act_min / out_scale)),
 *   max = act_max == inf ? T_max : min(T_max, out_zp + (int)roundf(act_max / out_scale)).
 */
import {
  clamp,
  multiplyByQuantizedMultiplier,
  qRange,
  quantizeMultiplier,
  roundAwayFromZero,
} from '../../../quant/math';
import type { Kernel } from '../../types';
import { isQuantDtype, perTensor, sameDtypeElementwise } from './kernel-util';
import { applyCodeTable, applyFloat, buildCodeTable } from './unary-lut';
import { sameShape } from './layout';

const f = Math.fround;

/** Quantized ReluX for one input code (the reference's per-element arithmetic). */
export function reluXQuantized(
  q: number,
  inZp: number,
  outZp: number,
  multiplier: number,
  shift: number,
  qLo: number,
  qHi: number,
): number {
  return clamp(outZp + multiplyByQuantizedMultiplier(q - inZp, multiplier, shift), qLo, qHi);
}

export function makeReluKernel(actMin: number, actMax: number): Kernel {
  return {
    prepare(ctx) {
      const { input, output } = sameDtypeElementwise(ctx);
      if (input.dtype === 'float32') {
        return () =>
          applyFloat(input.data, output.data, (x) => (x < actMin ? actMin : x > actMax ? actMax : x));
      }
      if (!isQuantDtype(input.dtype)) return ctx.unsupported(`dtype ${input.dtype}`);
      if (!sameShape(input.shape, output.shape)) ctx.invalid('shape mismatch');
      const iq = perTensor(ctx, input, 'input');
      const oq = perTensor(ctx, output, 'output');
      // TFLite's int16 activations are symmetric; its ReluPrepare insists on zero points of 0.
      if (input.dtype === 'int16' && (iq.zeroPoint !== 0 || oq.zeroPoint !== 0))
        ctx.unsupported('int16 RELU with nonzero zero points');
      const [tMin, tMax] = qRange(input.dtype);
      const qLo = Math.max(tMin, oq.zeroPoint + roundAwayFromZero(f(actMin / f(oq.scale))));
      const qHi =
        actMax === Infinity
          ? tMax
          : Math.min(tMax, oq.zeroPoint + roundAwayFromZero(f(actMax / f(oq.scale))));
      const { multiplier, shift } = quantizeMultiplier(f(f(iq.scale) / f(oq.scale)));
      const table = buildCodeTable(input.dtype, (q) =>
        reluXQuantized(q, iq.zeroPoint, oq.zeroPoint, multiplier, shift, qLo, qHi),
      );
      return () => applyCodeTable(table, input.data, output.data);
    },
  };
}
