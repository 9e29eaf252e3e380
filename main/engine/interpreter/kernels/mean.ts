/**
 * MEAN after TFLite's reduce.cc reference paths:
 *  - float32: Σ in float32 (input order) / count, as reference_ops::Mean.
 *  - int8/int16, keep_dims, 4-D, axes exactly {1, 2} (global average pooling):
 *    reference_integer_ops::Mean: acc = Σ(q - in_zp); acc = MBQM(acc, M(in_scale/out_scale));
 *    acc = (acc ± count/2) / count (C division, ties away from zero); + out_zp; saturate.
 *  - uint8 with the same 4-D keep_dims {1, 2} shape: reference_ops::Mean for uint8, whose bias
 *    out_zp - (int)(in_zp * in_scale / out_scale ± 0.5f) and multiplier
 *    M(in_scale / (count * out_scale)) are computed in float as the C code does.
 *  - otherwise, equal input/output quantization: Σq / count with C's truncating division.
 *  - otherwise QuantizedMeanOrSum (reduce.ts).
 */
import { mbqm, qRange, quantizeMultiplier } from '../../quant/math';
import type { EvalFn, Kernel, OpContext, RtTensor } from '../types';
import { perTensorParams } from './common/conv';
import {
  applyMeanOrSumQuant,
  meanOrSumQuant,
  planReduce,
  reduceSum,
  reduceSumFloat32,
  type ReducePlan,
} from './reduce';

type QArray = Int8Array | Uint8Array | Int16Array;

/** Σ of the input elements into sums[plan.outIndex[k]] (reduceSum, or a faster exact equivalent). */
export type SumFn = (input: QArray, plan: ReducePlan, sums: Float64Array) => void;

/** True for TFLite's "4-D, keep_dims, axis_count 2, axes {1,2}" special case. */
export function isSpatialMean(rank: number, keepDims: boolean, rawAxes: readonly number[]): boolean {
  return (
    keepDims &&
    rank === 4 &&
    rawAxes.length === 2 &&
    ((rawAxes[0] === 1 && rawAxes[1] === 2) || (rawAxes[0] === 2 && rawAxes[1] === 1))
  );
}

export function meanFloat(
  input: Float32Array,
  plan: ReducePlan,
  output: Float32Array,
  sums: Float32Array,
): void {
  reduceSumFloat32(input, plan, sums);
  const n = plan.reducedCount;
  for (let i = 0; i < output.length; i++) output[i] = n > 0 ? sums[i] / n : 0;
}

/** reference_integer_ops::Mean (int8 and int16). */
export function meanSpatialInt(
  input: QArray,
  plan: ReducePlan,
  sums: Float64Array,
  inZp: number,
  outZp: number,
  multiplier: number,
  shift: number,
  output: QArray,
  qmin: number,
  qmax: number,
  sum: SumFn = reduceSum,
): void {
  sum(input, plan, sums);
  const n = plan.reducedCount;
  const half = Math.floor(n / 2);
  for (let i = 0; i < output.length; i++) {
    let acc = mbqm((sums[i] - inZp * n) | 0, multiplier, shift);
    acc = acc > 0 ? Math.trunc((acc + half) / n) : Math.trunc((acc - half) / n);
    acc += outZp;
    output[i] = acc < qmin ? qmin : acc > qmax ? qmax : acc;
  }
}

/**
 * MEAN with the integer sums formed by `sumFor(input, plan)` where it returns one (integer sums
 * are exact in any order, so the outputs do not change), reduceSum otherwise.
 */
export function meanKernel(sumFor?: (input: RtTensor, plan: ReducePlan) => SumFn | null): Kernel {
  return { prepare: (ctx) => prepareMean(ctx, sumFor) };
}

export const kernel: Kernel = meanKernel();

function prepareMean(ctx: OpContext, sumFor?: (input: RtTensor, plan: ReducePlan) => SumFn | null): EvalFn {
  const input = ctx.input(0);
  const axis = ctx.input(1);
  const output = ctx.output(0);
  const keepDims = Boolean(ctx.options?.keepDims);
  if (input.dtype !== output.dtype) ctx.unsupported('input and output dtypes differ');
  const plan = planReduce(ctx, input, axis, keepDims);
  output.shape = plan.outShape;
  const n = plan.reducedCount;
  let inputElements = 1;
  for (const d of input.shape) inputElements *= d;

  if (input.dtype === 'float32') {
    const sums = new Float32Array(plan.outCount);
    return () => meanFloat(input.data as Float32Array, plan, output.data as Float32Array, sums);
  }
  if (input.dtype !== 'int8' && input.dtype !== 'uint8' && input.dtype !== 'int16') {
    ctx.unsupported(`MEAN on ${input.dtype}`);
  }
  const dtype = input.dtype;
  const inQ = perTensorParams(ctx, input, 'input');
  const outQ = perTensorParams(ctx, output, 'output');
  if (dtype === 'int16' && (inQ.zeroPoint !== 0 || outQ.zeroPoint !== 0)) {
    ctx.unsupported('int16 activations must have zero point 0');
  }
  const [qmin, qmax] = qRange(dtype);
  const sum = sumFor?.(input, plan) ?? reduceSum;
  const sums = new Float64Array(plan.outCount);
  // An empty input makes TFLite write zeros (its early return after zeroing the output).
  if (inputElements === 0 || n === 0) return () => (output.data as QArray).fill(0);

  if (isSpatialMean(input.shape.length, keepDims, Array.from(axis.data as Int32Array))) {
    if (dtype === 'uint8') {
      const f32 = Math.fround;
      const count = f32(n);
      let temp = f32(f32(inQ.zeroPoint * inQ.scale) / outQ.scale);
      temp = temp > 0 ? f32(temp + 0.5) : f32(temp - 0.5);
      const bias = outQ.zeroPoint - Math.trunc(temp);
      const m = quantizeMultiplier(f32(inQ.scale / f32(count * outQ.scale)));
      return () => {
        sum(input.data as Uint8Array, plan, sums);
        const out = output.data as Uint8Array;
        for (let i = 0; i < out.length; i++) {
          const v = mbqm(sums[i] | 0, m.multiplier, m.shift) + bias;
          out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      };
    }
    const m = quantizeMultiplier(inQ.scale / outQ.scale);
    return () =>
      meanSpatialInt(
        input.data as QArray,
        plan,
        sums,
        inQ.zeroPoint,
        outQ.zeroPoint,
        m.multiplier,
        m.shift,
        output.data as QArray,
        qmin,
        qmax,
        sum,
      );
  }
  if (inQ.scale === outQ.scale && inQ.zeroPoint === outQ.zeroPoint) {
    return () => {
      sum(input.data as QArray, plan, sums);
      const out = output.data as QArray;
      // int32 sum / count truncating toward zero, then the C cast to T (wraps; the mean of
      // in-range values is in range).
      for (let i = 0; i < out.length; i++) out[i] = Math.trunc((sums[i] | 0) / n);
    };
  }
  const q = meanOrSumQuant(inQ.scale, outQ.scale, inQ.zeroPoint, outQ.zeroPoint, n, false, qmin, qmax);
  return () => {
    sum(input.data as QArray, plan, sums);
    applyMeanOrSumQuant(sums, n, q, output.data as QArray);
  };
}
