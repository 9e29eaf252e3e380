/**
 * L2_POOL_2D (float32 only, as in TFLite): sqrt(sum of squares / count) over the in-image taps
 * of each window, clamped to the fused activation range. Sums in double, stored as float32.
 */
import type { EvalFn, Kernel, OpContext } from '../types';
import { floatActivation } from './common/conv';
import { forEachWindow, poolShape, type PoolShape } from './common/pooling';

export function l2Pool(
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
        const v = input[((b * s.inH + y) * s.inW + x) * s.channels + c];
        sum += v * v;
        count++;
      }
    // float division then float sqrt, as in C (both correctly rounded via double here)
    const r = count ? Math.sqrt(Math.fround(Math.fround(sum) / count)) : 0;
    output[o] = r < lo ? lo : r > hi ? hi : r;
  });
}

export const kernel: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (input.dtype !== 'float32' || output.dtype !== 'float32')
      ctx.unsupported(`L2_POOL_2D on ${input.dtype}`);
    const s = poolShape(ctx, input, output);
    const [lo, hi] = floatActivation(ctx, ctx.options.fusedActivationFunction);
    return () => l2Pool(s, input.data as Float32Array, output.data as Float32Array, lo, hi);
  },
};
