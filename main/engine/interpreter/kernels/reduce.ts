/**
 * Shared machinery for MEAN and SUM (TFLite reduce.cc / reference_ops reduce.h): axis
 * resolution (negative axes, duplicates), the output shape with and without keep_dims, the
 * input -> output element map that the reference's Reduce loop walks, and the integer
 * QuantizedMeanOrSum requantization.
 */
import { mbqm, quantizeMultiplier } from '../../quant/math';
import type { OpContext, RtTensor } from '../types';
import { checkedElements } from './common/conv';

export interface ReducePlan {
  /** Distinct reduced axes in [0, rank), in the order given. */
  axes: number[];
  outShape: number[];
  /** outIndex[i]: the output element input element i accumulates into. */
  outIndex: Int32Array;
  outCount: number;
  /** Number of input elements folded into each output (product of the reduced extents). */
  reducedCount: number;
}

/** Reads the constant int32 axis operand and derives the output shape and element map. */
export function planReduce(
  ctx: OpContext,
  input: RtTensor,
  axisTensor: RtTensor,
  keepDims: boolean,
): ReducePlan {
  if (axisTensor.dtype !== 'int32') ctx.unsupported(`axis dtype ${axisTensor.dtype} (TFLite requires int32)`);
  if (!axisTensor.isConst)
    ctx.unsupported('axis must be a constant tensor (dynamic output shapes are not supported)');
  const rank = input.shape.length;
  const axes: number[] = [];
  for (const a of Array.from(axisTensor.data as Int32Array)) {
    const r = a < 0 ? a + rank : a;
    if (rank > 0 && (r < 0 || r >= rank)) ctx.invalid(`axis ${a} is out of range for rank ${rank}`);
    if (rank > 0 && !axes.includes(r)) axes.push(r);
  }
  const isAxis = input.shape.map((_, i) => axes.includes(i));
  const outShape = keepDims
    ? input.shape.map((d, i) => (isAxis[i] ? 1 : d))
    : input.shape.filter((_, i) => !isAxis[i]);
  // Strides of the output in input-axis terms (0 along reduced axes).
  const strides = new Array<number>(rank).fill(0);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    if (isAxis[i]) continue;
    strides[i] = acc;
    acc *= input.shape[i];
  }
  const n = checkedElements(ctx, input.shape, 'input');
  const outIndex = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let o = 0;
    for (let i = 0; i < rank; i++) o += idx[i] * strides[i];
    outIndex[k] = o;
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < input.shape[i]) break;
      idx[i] = 0;
    }
  }
  let reducedCount = 1;
  for (const a of axes) reducedCount *= input.shape[a];
  return { axes, outShape, outIndex, outCount: acc, reducedCount };
}

/** Σ over the reduced axes into `sums` (zeroed first); exact for integers below 2^53. */
export function reduceSum(input: ArrayLike<number>, plan: ReducePlan, sums: Float64Array): void {
  sums.fill(0);
  const map = plan.outIndex;
  for (let k = 0; k < map.length; k++) sums[map[k]] += input[k];
}

/** Float32 Σ in input order with float32 rounding after every add, as TFLite's float reducers do. */
export function reduceSumFloat32(input: Float32Array, plan: ReducePlan, sums: Float32Array): void {
  sums.fill(0);
  const map = plan.outIndex;
  for (let k = 0; k < map.length; k++) sums[map[k]] += input[k];
}

export interface MeanOrSumQuant {
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
  qmin: number;
  qmax: number;
}

/**
 * reference_ops::QuantizedMeanOrSum (integer form): the multiplier for input_scale/output_scale;
 * for a mean, 1/count is folded into it: shift = min(floor(log2(count)), 32, 31 + shift),
 * multiplier = (multiplier << shift) / count (int64, truncating), shift -= that shift. Each
 * output is MBQM(sum - input_zp * count) + output_zp, saturated to the dtype.
 */
export function meanOrSumQuant(
  inScale: number,
  outScale: number,
  inputZeroPoint: number,
  outputZeroPoint: number,
  count: number,
  computeSum: boolean,
  qmin: number,
  qmax: number,
): MeanOrSumQuant {
  let { multiplier, shift } = quantizeMultiplier(inScale / outScale);
  if (!computeSum && count > 0) {
    let s = Math.floor(Math.log2(count));
    // log2 of an exact power of two is exact; guard the float estimate at the boundaries anyway.
    while (2 ** (s + 1) <= count) s++;
    while (2 ** s > count) s--;
    s = Math.min(s, 32, 31 + shift);
    multiplier = Number((BigInt(multiplier) << BigInt(s)) / BigInt(count));
    shift -= s;
  }
  return { inputZeroPoint, outputZeroPoint, multiplier, shift, qmin, qmax };
}

export function applyMeanOrSumQuant(
  sums: Float64Array,
  count: number,
  q: MeanOrSumQuant,
  output: Int8Array | Uint8Array | Int16Array,
): void {
  const offset = q.inputZeroPoint * count;
  for (let i = 0; i < output.length; i++) {
    // The shifted sum is an int32 in the C code (U = int32_t).
    const v = mbqm((sums[i] - offset) | 0, q.multiplier, q.shift) + q.outputZeroPoint;
    output[i] = v < q.qmin ? q.qmin : v > q.qmax ? q.qmax : v;
  }
}
