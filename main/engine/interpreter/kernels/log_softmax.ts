/**
 * LOG_SOFTMAX over the last axis.
 * float32 (reference_ops::LogSoftmax): out = x - max - log(sum(exp(x - max))), computed in
 * double and stored as float32 (within the float tolerance of the reference's float32 sums).
 * int8 (reference_integer_ops::LogSoftmax; output scale 16/256, zero point 127, as TFLite
 * requires): per row, d = q - max_q; d >= diff_min is rescaled to Q5.26 by the input multiplier,
 * exp'd (gemmlowp) and summed in Q12.19; log(sum) in Q5.26 (log-fixedpoint.ts); outputs
 * RDBPOT(d_q5 - log_sum, 22) + 127 saturated, or -128 for d <= adjusted_diff_min.
 * Prepare follows PreprocessLogSoftmaxScalingExp (double precision, beta 1) and
 * CalculateInputRadius. uint8 (reference_ops::LogSoftmax) is the same with zero point 255 and
 * range [0, 255]; the input zero point cancels in q - max_q.
 */
import { expOnNegativeValues } from '../../quant/fixedpoint';
import { logXForXGreaterThanOrEqualTo1 } from '../../quant/log-fixedpoint';
import { mbqm, quantizeMultiplier, rdbpot } from '../../quant/math';
import { calculateInputRadius } from '../../quant/softmax-math';
import { perTensor } from './common/kernel-util';
import type { Kernel } from '../types';

const SCALED_DIFF_INT_BITS = 5;
const ACCUM_INT_BITS = 12;
const OUTPUT_INT_BITS = 4;

export interface LogSoftmaxInt8Params {
  inputMultiplier: number;
  inputLeftShift: number;
  reverseMultiplier: number;
  reverseShift: number;
  diffMin: number;
}

/** PreprocessLogSoftmaxScalingExp with beta = 1, plus diff_min. */
export function logSoftmaxInt8Params(inputScale: number): LogSoftmaxInt8Params {
  const real = Math.min(inputScale * 2 ** (31 - SCALED_DIFF_INT_BITS), 2 ** 31 - 1);
  const m = quantizeMultiplier(real); // QuantizeMultiplierGreaterThanOne: shift >= 0
  const reverseReal = 2 ** (31 - m.shift) / m.multiplier;
  const r = quantizeMultiplier(reverseReal); // QuantizeMultiplierSmallerThanOneExp: shift <= 0
  return {
    inputMultiplier: m.multiplier,
    inputLeftShift: m.shift,
    reverseMultiplier: r.multiplier,
    reverseShift: r.shift,
    diffMin: -calculateInputRadius(SCALED_DIFF_INT_BITS, m.shift),
  };
}

/**
 * The reference's per-row loop; int8 (zero point 127, range [-128, 127]) and uint8 (zero point
 * 255, range [0, 255]) differ only in those constants.
 */
export function logSoftmaxQuantizedRows(
  x: Int8Array | Uint8Array,
  out: Int8Array | Uint8Array,
  depth: number,
  p: LogSoftmaxInt8Params,
  uint8 = false,
): void {
  const qmin = uint8 ? 0 : -128;
  const qmax = uint8 ? 255 : 127;
  const rows = depth === 0 ? 0 : x.length / depth;
  for (let row = 0; row < rows; row++) {
    const base = row * depth;
    let max = qmin;
    for (let c = 0; c < depth; c++) if (x[base + c] > max) max = x[base + c];
    let sumQ12 = 0;
    for (let c = 0; c < depth; c++) {
      const diff = x[base + c] - max;
      if (diff >= p.diffMin) {
        const dQ5 = mbqm(diff, p.inputMultiplier, p.inputLeftShift);
        sumQ12 = (sumQ12 + rdbpot(expOnNegativeValues(32, dQ5, SCALED_DIFF_INT_BITS), ACCUM_INT_BITS)) | 0;
      }
    }
    const logSumQ5 = logXForXGreaterThanOrEqualTo1(sumQ12, ACCUM_INT_BITS, SCALED_DIFF_INT_BITS);
    const shiftedLogSum = (logSumQ5 - 2147483648) | 0;
    const adjustedDiffMin = Math.max(p.diffMin - 1, mbqm(shiftedLogSum, p.reverseMultiplier, p.reverseShift));
    for (let c = 0; c < depth; c++) {
      const diff = x[base + c] - max;
      if (diff > adjustedDiffMin) {
        const dQ5 = mbqm(diff, p.inputMultiplier, p.inputLeftShift);
        const v = rdbpot((dQ5 - logSumQ5) | 0, 31 - SCALED_DIFF_INT_BITS - OUTPUT_INT_BITS) + qmax;
        out[base + c] = v > qmax ? qmax : v < qmin ? qmin : v;
      } else out[base + c] = qmin;
    }
  }
}

export function logSoftmaxRows(x: Float32Array, out: Float32Array, depth: number): void {
  const rows = depth === 0 ? 0 : x.length / depth;
  for (let r = 0; r < rows; r++) {
    const base = r * depth;
    let max = -Infinity;
    for (let c = 0; c < depth; c++) if (x[base + c] > max) max = x[base + c];
    let sum = 0;
    for (let c = 0; c < depth; c++) sum += Math.exp(x[base + c] - max);
    const logSum = Math.log(sum);
    for (let c = 0; c < depth; c++) out[base + c] = x[base + c] - max - logSum;
  }
}

export const kernel: Kernel = {
  prepare(ctx) {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (input.shape.length === 0) ctx.invalid('LOG_SOFTMAX needs at least one dimension');
    if (output.dtype !== input.dtype)
      ctx.invalid(`output dtype ${output.dtype} differs from input ${input.dtype}`);
    output.shape = [...input.shape];
    const depth = input.shape[input.shape.length - 1];
    if (input.dtype === 'float32')
      return () => logSoftmaxRows(input.data as Float32Array, output.data as Float32Array, depth);
    if (input.dtype !== 'int8' && input.dtype !== 'uint8')
      return ctx.unsupported(`dtype ${input.dtype} (float32, int8 and uint8 are implemented)`);
    const uint8 = input.dtype === 'uint8';
    const outZp = uint8 ? 255 : 127;
    const iq = perTensor(ctx, input, 'input');
    const oq = perTensor(ctx, output, 'output');
    if (oq.scale !== Math.fround(16 / 256) || oq.zeroPoint !== outZp)
      ctx.unsupported(
        `${input.dtype} output must have scale 16/256 and zero point ${outZp} (has ${oq.scale}, ${oq.zeroPoint})`,
      );
    const p = logSoftmaxInt8Params(iq.scale);
    return () =>
      logSoftmaxQuantizedRows(
        input.data as Int8Array | Uint8Array,
        output.data as Int8Array | Uint8Array,
        depth,
        p,
        uint8,
      );
  },
};
