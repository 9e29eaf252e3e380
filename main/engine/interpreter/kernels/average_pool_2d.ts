/**
 * AVERAGE_POOL_2D after TFLite's reference_ops::AveragePool (float, uint8) and
 * reference_integer_ops::AveragePool (int8, int16). Integer rounding: int8/int16 round the
 * int32 sum to nearest with ties away from zero, (sum ± count/2) / count with C's truncating
 * division; uint8 sums are non-negative, (sum + count/2) / count. Float sums are formed in
 * double and stored as float32. The result is clamped to the fused activation range.
 */
import { activationRangeQuantized } from '../../quant/math';
import type { EvalFn, Kernel, OpContext } from '../types';
import { checkedActivation, floatActivation } from './conv_common';
import { forEachWindow, poolShape, requireSameQuant, type PoolShape } from './pooling';

type IntArray = Int8Array | Uint8Array | Int16Array;

export function averagePoolFloat(
  s: PoolShape,
  input: Float32Array,
  output: Float32Array,
  lo: number,
  hi: number,
): void {
  forEachWindow(s, (o, b, y0, y1, x0, x1, c) => {
    let sum = 0;
    let count = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        sum += input[((b * s.inH + y) * s.inW + x) * s.channels + c];
        count++;
      }
    // A window entirely in the padding has no taps; TFLite returns an error there, 0 is written here.
    const v = count ? Math.fround(sum) / count : 0;
    output[o] = v < lo ? lo : v > hi ? hi : v;
  });
}

export function averagePoolInt(
  s: PoolShape,
  input: IntArray,
  output: IntArray,
  lo: number,
  hi: number,
  unsigned: boolean,
): void {
  forEachWindow(s, (o, b, y0, y1, x0, x1, c) => {
    let sum = 0;
    let count = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        sum += input[((b * s.inH + y) * s.inW + x) * s.channels + c];
        count++;
      }
    let v = 0;
    if (count) {
      const half = Math.floor(count / 2);
      v = unsigned || sum > 0 ? Math.trunc((sum + half) / count) : Math.trunc((sum - half) / count);
    }
    output[o] = v < lo ? lo : v > hi ? hi : v;
  });
}

export const averagePool2d: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (input.dtype !== output.dtype) ctx.unsupported('input and output dtypes differ');
    const s = poolShape(ctx, input, output);
    const act = ctx.options.fusedActivationFunction;
    if (input.dtype === 'float32') {
      const [lo, hi] = floatActivation(ctx, act);
      return () => averagePoolFloat(s, input.data as Float32Array, output.data as Float32Array, lo, hi);
    }
    if (input.dtype !== 'int8' && input.dtype !== 'uint8' && input.dtype !== 'int16') {
      ctx.unsupported(`AVERAGE_POOL_2D on ${input.dtype}`);
    }
    const q = requireSameQuant(ctx, input, output);
    const [lo, hi] = activationRangeQuantized(checkedActivation(ctx, act), q.scale, q.zeroPoint, input.dtype);
    const unsigned = input.dtype === 'uint8';
    return () => averagePoolInt(s, input.data as IntArray, output.data as IntArray, lo, hi, unsigned);
  },
};
