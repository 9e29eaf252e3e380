/**
 * MAX_POOL_2D after TFLite's reference_ops::MaxPool (float, uint8) and
 * reference_integer_ops::MaxPool (int8, int16): the maximum over the in-image taps of each
 * window (starting from the dtype's lowest value), clamped to the fused activation range.
 */
import { activationRangeQuantized, clampInt } from '../../quant/math';
import type { EvalFn, Kernel, OpContext } from '../types';
import { checkedActivation, floatActivation } from './common/conv';
import { poolShape, requireSameQuant, type PoolShape } from './common/pooling';

type IntArray = Int8Array | Uint8Array | Int16Array;

/*
 * The window walk of forEachWindow (pooling.ts), written out in a float and an integer copy so
 * each loop stays monomorphic and free of per-element calls. Every output takes the taps of its
 * clipped window in (y, x) order, exactly as forEachWindow visits them.
 */
export function maxPoolFloat(
  s: PoolShape,
  input: Float32Array,
  output: Float32Array,
  lowest: number,
  lo: number,
  hi: number,
): void {
  const { inH, inW, channels } = s;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const yOrigin = oy * s.strideH - s.padH;
      const y0 = Math.max(0, yOrigin);
      const y1 = Math.min(inH, yOrigin + s.kH);
      for (let ox = 0; ox < s.outW; ox++) {
        const xOrigin = ox * s.strideW - s.padW;
        const x0 = Math.max(0, xOrigin);
        const x1 = Math.min(inW, xOrigin + s.kW);
        for (let c = 0; c < channels; c++) {
          let m = lowest;
          for (let y = y0; y < y1; y++) {
            const row = (b * inH + y) * inW;
            for (let x = x0; x < x1; x++) {
              const v = input[(row + x) * channels + c];
              if (v > m) m = v;
            }
          }
          output[o++] = m < lo ? lo : m > hi ? hi : m;
        }
      }
    }
  }
}

/**
 * maxPoolFloat for int8, uint8 and int16 data, one pixel at a time with the channels innermost
 * (contiguous) and their running maxima in `mx` (scratch of `channels` entries). An integer
 * maximum does not depend on the order of the taps, and it is taken without data-dependent
 * branches (the sign of the difference masks it; values are within 16 bits), as is the clamp.
 */
export function maxPoolInt(
  s: PoolShape,
  input: IntArray,
  output: IntArray,
  lowest: number,
  lo: number,
  hi: number,
  mx: Int32Array,
): void {
  const { inH, inW, channels } = s;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const yOrigin = oy * s.strideH - s.padH;
      const y0 = Math.max(0, yOrigin);
      const y1 = Math.min(inH, yOrigin + s.kH);
      for (let ox = 0; ox < s.outW; ox++) {
        const xOrigin = ox * s.strideW - s.padW;
        const x0 = Math.max(0, xOrigin);
        const x1 = Math.min(inW, xOrigin + s.kW);
        for (let c = 0; c < channels; c++) mx[c] = lowest;
        for (let y = y0; y < y1; y++) {
          const row = (b * inH + y) * inW;
          for (let x = x0; x < x1; x++) {
            const ip = (row + x) * channels;
            for (let c = 0; c < channels; c++) {
              const d = input[ip + c] - mx[c];
              mx[c] += d & ~(d >> 31); // + max(d, 0)
            }
          }
        }
        for (let c = 0; c < channels; c++) output[o++] = clampInt(mx[c], lo, hi);
      }
    }
  }
}

const LOWEST: Record<string, number> = {
  float32: -3.4028234663852886e38,
  int8: -128,
  uint8: 0,
  int16: -32768,
};

export const kernel: Kernel = {
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
    if (input.dtype === 'float32')
      return () => maxPoolFloat(s, input.data as Float32Array, output.data as Float32Array, lowest, lo, hi);
    const mx = new Int32Array(s.channels);
    return () => maxPoolInt(s, input.data as IntArray, output.data as IntArray, lowest, lo, hi, mx);
  },
};
