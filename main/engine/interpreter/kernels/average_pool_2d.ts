/**
 * AVERAGE_POOL_2D after TFLite's reference_ops::AveragePool (float, uint8) and
 * reference_integer_ops::AveragePool (int8, int16). Integer rounding: int8/int16 round the
 * int32 sum to nearest with ties away from zero, (sum ± count/2) / count with C's truncating
 * division; uint8 sums are non-negative, (sum + count/2) / count. Float sums are formed in
 * double and stored as float32. The result is clamped to the fused activation range.
 */
import { activationRangeQuantized, clampInt } from '../../quant/math';
import type { EvalFn, Kernel, OpContext } from '../types';
import { checkedActivation, floatActivation } from './common/conv';
import { poolShape, requireSameQuant, type PoolShape } from './common/pooling';

type IntArray = Int8Array | Uint8Array | Int16Array;

/*
 * The window walk of forEachWindow (pooling.ts) written out, one pixel at a time with the
 * channels innermost (contiguous) and their sums in `sums` (scratch of `channels` entries): each
 * channel still receives its taps in (y, x) order, so float sums are bit-identical to the
 * per-element walk; integer sums are exact.
 */
export function averagePoolFloat(
  s: PoolShape,
  input: Float32Array,
  output: Float32Array,
  lo: number,
  hi: number,
  sums: Float64Array,
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
        const count = Math.max(0, y1 - y0) * Math.max(0, x1 - x0);
        for (let c = 0; c < channels; c++) sums[c] = 0;
        for (let y = y0; y < y1; y++) {
          const row = (b * inH + y) * inW;
          for (let x = x0; x < x1; x++) {
            const ip = (row + x) * channels;
            for (let c = 0; c < channels; c++) sums[c] += input[ip + c];
          }
        }
        for (let c = 0; c < channels; c++) {
          // A window entirely in the padding has no taps; TFLite returns an error there, 0 is written here.
          const v = count ? Math.fround(sums[c]) / count : 0;
          output[o++] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    }
  }
}

/** averagePoolFloat for int8, uint8 and int16 data, with TFLite's integer rounding. */
export function averagePoolInt(
  s: PoolShape,
  input: IntArray,
  output: IntArray,
  lo: number,
  hi: number,
  unsigned: boolean,
  sums: Float64Array,
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
        const count = Math.max(0, y1 - y0) * Math.max(0, x1 - x0);
        const half = Math.floor(count / 2);
        for (let c = 0; c < channels; c++) sums[c] = 0;
        for (let y = y0; y < y1; y++) {
          const row = (b * inH + y) * inW;
          for (let x = x0; x < x1; x++) {
            const ip = (row + x) * channels;
            for (let c = 0; c < channels; c++) sums[c] += input[ip + c];
          }
        }
        for (let c = 0; c < channels; c++) {
          const sum = sums[c];
          let v = 0;
          if (count)
            v = unsigned || sum > 0 ? Math.trunc((sum + half) / count) : Math.trunc((sum - half) / count);
          output[o++] = clampInt(v, lo, hi);
        }
      }
    }
  }
}

export const kernel: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (input.dtype !== output.dtype) ctx.unsupported('input and output dtypes differ');
    const s = poolShape(ctx, input, output);
    const act = ctx.options.fusedActivationFunction;
    if (input.dtype === 'float32') {
      const [lo, hi] = floatActivation(ctx, act);
      const sums = new Float64Array(s.channels);
      return () => averagePoolFloat(s, input.data as Float32Array, output.data as Float32Array, lo, hi, sums);
    }
    if (input.dtype !== 'int8' && input.dtype !== 'uint8' && input.dtype !== 'int16') {
      ctx.unsupported(`AVERAGE_POOL_2D on ${input.dtype}`);
    }
    const q = requireSameQuant(ctx, input, output);
    const [lo, hi] = activationRangeQuantized(checkedActivation(ctx, act), q.scale, q.zeroPoint, input.dtype);
    const unsigned = input.dtype === 'uint8';
    const sums = new Float64Array(s.channels);
    return () => averagePoolInt(s, input.data as IntArray, output.data as IntArray, lo, hi, unsigned, sums);
  },
};
