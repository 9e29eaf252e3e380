/**
 * MAX_POOL_2D after TFLite's reference_ops::MaxPool (float, uint8) and
 * reference_integer_ops::MaxPool (int8, int16): the maximum over the in-image taps of each
 * window (starting from the dtype's lowest value), clamped to the fused activation range.
 */
import { activationRangeQuantized } from '../../quant/math';
import type { EvalFn, Kernel, OpContext } from '../types';
import { checkedActivation, floatActivation } from './conv_common';
import { forEachWindow, poolShape, requireSameQuant, type PoolShape } from './pooling';

type NumArray = Float32Array | Int8Array | Uint8Array | Int16Array;

export function maxPool(
  s: PoolShape,
  input: NumArray,
  output: NumArray,
  lowest: number,
  lo: number,
  hi: number,
): void {
  forEachWindow(s, (o, b, y0, y1, x0, x1, c) => {
    let m = lowest;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const v = input[((b * s.inH + y) * s.inW + x) * s.channels + c];
        if (v > m) m = v;
      }
    output[o] = m < lo ? lo : m > hi ? hi : m;
  });
}

const LOWEST: Record<string, number> = {
  float32: -3.4028234663852886e38,
  int8: -128,
  uint8: 0,
  int16: -32768,
};

export const maxPool2d: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (input.dtype !== output.dtype) ctx.unsupported('input and output dtypes differ');
    if (!(input.dtype in LOWEST)) ctx.unsupported(`MAX_POOL_2D on ${input.dtype}`);
    const s = poolShape(ctx, input, output);
    const act = ctx.options.fusedActivationFunction;
    let lo: number;
    let hi: number;
    if (input.dtype === 'float32') [lo, hi] = floatActivation(ctx, act);
    else {
      const q = requireSameQuant(ctx, input, output);
      [lo, hi] = activationRangeQuantized(
        checkedActivation(ctx, act),
        q.scale,
        q.zeroPoint,
        input.dtype as 'int8' | 'uint8' | 'int16',
      );
    }
    const lowest = LOWEST[input.dtype];
    return () => maxPool(s, input.data as NumArray, output.data as NumArray, lowest, lo, hi);
  },
};
