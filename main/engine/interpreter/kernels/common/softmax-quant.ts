/**
 * Quantized SOFTMAX, exactly as TFLite's reference kernels compute it.
 *
 * int8/uint8 input (reference_ops::Softmax<InputT, OutputT>, params from
 * tflite::PreprocessSoftmaxScaling with 5 integer bits for the scaled difference): per row,
 * x - max is rescaled to Q5.26 by a Q31 multiplier with a left shift, exp() is evaluated in
 * gemmlowp fixed point, summed in Q12.19, inverted with GetReciprocal, and each output is
 * exp * (1/sum) shifted down to the output width and offset by the output type's minimum.
 * Differences below diff_min (-input radius) give the minimum output. Outputs: int8 (zero
 * point -128, scale 1/256), uint8 (0, 1/256), or int16 (-32768, 1/65536), as TFLite requires.
 *
 * int16 input (reference_ops::SoftmaxInt16, TFLite Micro's LUTs): exp via a 513-entry LUT over
 * [-10, 0], 1/(1+x) via a second LUT; output zero point 0, scale 1/32768.
 */
import {
  clamp,
  mbqm,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  rdbpot,
  srdhm,
} from '../../../quant/math';
import { expOnNegativeValues, srMulByPOT } from '../../../quant/fixedpoint';
import { calculateInputRadius, getReciprocal } from '../../../quant/softmax-math';
import { lutLookupInt16, lutPopulateInt16 } from '../../../quant/lut';
import { perTensor, type PerTensorQuant } from './kernel-util';
import type { EvalFn, OpContext, RtTensor } from '../../types';

const SCALED_DIFF_INT_BITS = 5;
const ACCUM_INT_BITS = 12;

const OUTPUT_SPEC: Record<
  string,
  { zeroPoint: number; scale: number; bits: number; min: number; max: number }
> = {
  int8: { zeroPoint: -128, scale: 1 / 256, bits: 8, min: -128, max: 127 },
  uint8: { zeroPoint: 0, scale: 1 / 256, bits: 8, min: 0, max: 255 },
  int16: { zeroPoint: -32768, scale: 1 / 65536, bits: 16, min: -32768, max: 32767 },
};

/** SOFTMAX's operands: `outer` rows of `depth` values, exponent scaled by beta. */
export interface SoftmaxRows {
  input: RtTensor;
  out: RtTensor;
  beta: number;
  outer: number;
  depth: number;
}

export function prepareSoftmaxQuantized(ctx: OpContext, rows: SoftmaxRows): EvalFn {
  const { input, out, outer, depth } = rows;
  const qi = perTensor(ctx, input, 'input');
  const qo = perTensor(ctx, out, 'output');
  if (input.dtype === 'int16') return prepareInt16(ctx, rows, qi, qo);
  const { expTab, sumTab, diffMin, outBits, outMin, outMax } = softmax8Tables(ctx, rows, qi, qo);
  return () => {
    const x = input.data as Int8Array;
    const o = out.data as Int8Array;
    for (let i = 0; i < outer; i++) {
      const base = i * depth;
      let max = -Infinity;
      for (let c = 0; c < depth; c++) if (x[base + c] > max) max = x[base + c];
      let sum = 0; // Q12.19, wraps like int32
      for (let c = 0; c < depth; c++) {
        const diff = x[base + c] - max;
        if (diff >= diffMin) sum = (sum + sumTab[-diff]) | 0;
      }
      const { reciprocal, numBitsOverUnit } = getReciprocal(sum, ACCUM_INT_BITS);
      const exponent = numBitsOverUnit + 31 - outBits;
      for (let c = 0; c < depth; c++) {
        const diff = x[base + c] - max;
        if (diff >= diffMin) {
          const unsat = rdbpot(srdhm(reciprocal, expTab[-diff]), exponent);
          o[base + c] = clamp(unsat + outMin, outMin, outMax);
        } else o[base + c] = outMin;
      }
    }
  };
}

/** The tables and constants of the 8-bit input SOFTMAX (checks the operands' quantization). */
export interface Softmax8Tables {
  /** exp(-d) in Q0.31 for d = -(x - max) in [0, 255] (0 below diffMin). */
  expTab: Int32Array;
  /** Its Q12.19 sum term. */
  sumTab: Int32Array;
  diffMin: number;
  outBits: number;
  outMin: number;
  outMax: number;
}

export function softmax8Tables(
  ctx: OpContext,
  rows: SoftmaxRows,
  qi = perTensor(ctx, rows.input, 'input'),
  qo = perTensor(ctx, rows.out, 'output'),
): Softmax8Tables {
  const { input, out, beta } = rows;
  if (input.dtype !== 'int8' && input.dtype !== 'uint8') ctx.unsupported(`input dtype ${input.dtype}`);
  const spec = OUTPUT_SPEC[out.dtype];
  if (!spec || (out.dtype !== 'int16' && out.dtype !== input.dtype))
    ctx.unsupported(`${input.dtype} input with ${out.dtype} output`);
  if (qo.zeroPoint !== spec.zeroPoint || Math.abs(qo.scale - spec.scale) > spec.scale * 1e-3) {
    ctx.unsupported(
      `${out.dtype} output must have zero point ${spec.zeroPoint} and scale ${spec.scale} (got ${qo.zeroPoint}, ${qo.scale})`,
    );
  }
  // tflite::PreprocessSoftmaxScaling (double rounding build): cap at 2^31 - 1.
  const real = Math.min(beta * qi.scale * 2 ** (31 - SCALED_DIFF_INT_BITS), 2 ** 31 - 1);
  const { multiplier, shift } = quantizeMultiplier(real);
  if (shift < 0) ctx.unsupported(`input scale ${qi.scale} with beta ${beta} needs a right shift`);
  const diffMin = -calculateInputRadius(SCALED_DIFF_INT_BITS, shift);
  const outBits = spec.bits;
  const outMin = spec.min;
  const outMax = spec.max;
  const expOf = (diff: number) =>
    expOnNegativeValues(32, mbqm(diff, multiplier, shift), SCALED_DIFF_INT_BITS);
  // x - max of 8-bit values lies in [-255, 0]: exp (Q0.31) and its Q12.19 sum term for each of
  // those 256 differences are tabulated once, indexed by -diff (same functions, same values).
  const expTab = new Int32Array(256);
  const sumTab = new Int32Array(256);
  for (let d = 0; d < 256; d++) {
    if (-d < diffMin) continue; // never read: such differences give the minimum output
    expTab[d] = expOf(-d);
    sumTab[d] = srMulByPOT(32, expTab[d], -ACCUM_INT_BITS); // Rescale Q0 -> Q12
  }
  return { expTab, sumTab, diffMin, outBits, outMin, outMax };
}

/**
 * rdbpot(srdhm(a, b), e) for int32 a, b >= 0 and e in [1, 31]: SaturatingRoundingDoublingHighMul
 * of non-negative operands is floor((a * b + 2^30) / 2^31), formed exactly from two products
 * below 2^48 (b's 16-bit halves), and RoundingDivideByPOT of a non-negative value is
 * floor((h + 2^(e - 1)) / 2^e).
 */
export function highMulDivNonNeg(a: number, b: number, e: number): number {
  const low = Math.floor((a * (b & 0xffff) + 1073741824) / 65536);
  const h = Math.floor((a * (b >>> 16) + low) / 32768);
  return Math.floor((h + POW2[e - 1]) / POW2[e]);
}

const POW2 = Float64Array.from({ length: 32 }, (_v, k) => 2 ** k);

/**
 * The 8-bit SOFTMAX of prepareSoftmaxQuantized with the output step specialised to its operands'
 * signs (the default registry's kernel; the function above stays the reference): the reciprocal
 * and every tabulated exp are non-negative, so highMulDivNonNeg applies. Rows whose
 * exponent is outside [1, 31] (or a negative reciprocal) take the reference's arithmetic.
 * Outputs equal the reference's (softmax-fast.test.ts).
 */
export function prepareSoftmax8Fast(ctx: OpContext, rows: SoftmaxRows): EvalFn {
  const { input, out, outer, depth } = rows;
  const { expTab, sumTab, diffMin, outBits, outMin, outMax } = softmax8Tables(ctx, rows);
  return () => {
    const x = input.data as Int8Array | Uint8Array;
    const o = out.data as Int8Array | Uint8Array | Int16Array;
    for (let i = 0; i < outer; i++) {
      const base = i * depth;
      let max = -Infinity;
      for (let c = 0; c < depth; c++) if (x[base + c] > max) max = x[base + c];
      let sum = 0; // Q12.19, wraps like int32
      for (let c = 0; c < depth; c++) {
        const diff = x[base + c] - max;
        if (diff >= diffMin) sum = (sum + sumTab[-diff]) | 0;
      }
      const { reciprocal: a, numBitsOverUnit } = getReciprocal(sum, ACCUM_INT_BITS);
      const e = numBitsOverUnit + 31 - outBits;
      const fast = e >= 1 && e <= 31 && a >= 0;
      for (let c = 0; c < depth; c++) {
        const diff = x[base + c] - max;
        if (diff < diffMin) o[base + c] = outMin;
        else if (fast) {
          const v = highMulDivNonNeg(a, expTab[-diff], e) + outMin;
          o[base + c] = v > outMax ? outMax : v;
        } else {
          const unsat = rdbpot(srdhm(a, expTab[-diff]), e);
          o[base + c] = clamp(unsat + outMin, outMin, outMax);
        }
      }
    }
  };
}

function prepareInt16(ctx: OpContext, rows: SoftmaxRows, qi: PerTensorQuant, qo: PerTensorQuant): EvalFn {
  const { input, out, beta, outer, depth } = rows;
  const { scale: inScale, zeroPoint: inZeroPoint } = qi;
  if (out.dtype !== 'int16') ctx.unsupported(`int16 input with ${out.dtype} output`);
  if (inZeroPoint !== 0 || qo.zeroPoint !== 0) ctx.unsupported('int16 softmax needs zero points 0');
  if (Math.abs(qo.scale - 1 / 32768) > 0.001 / 32768)
    ctx.unsupported(`int16 output scale must be 1/32768 (got ${qo.scale})`);
  const range = 65535;
  // exp over [-10, 0] and 1/(1+x) over [0, 1], as TFLite Micro populates them (float32).
  const expLut = lutPopulateInt16(Math.fround(10 / range), 32767, Math.fround(2 / range), 0, Math.exp);
  const recipLut = lutPopulateInt16(Math.fround(1 / range), -32768, Math.fround(2 / range), 0, (v) =>
    Math.fround(1 / Math.fround(1 + v)),
  );
  // Scale x - max so that [-65535, 0] covers [-10, 0].
  const { multiplier, shift } = quantizeMultiplier((inScale * beta) / (10 / 65535));
  const exps = new Int16Array(depth);
  return () => {
    const x = input.data as Int16Array;
    const o = out.data as Int16Array;
    for (let i = 0; i < outer; i++) {
      const base = i * depth;
      let max = -32768;
      for (let c = 0; c < depth; c++) if (x[base + c] > max) max = x[base + c];
      let sum = 0; // Q16.15
      for (let c = 0; c < depth; c++) {
        const scaled = multiplyByQuantizedMultiplierFast(x[base + c] - max, multiplier, shift);
        const sym = clamp(scaled + 32767, -32768, 32767);
        exps[c] = lutLookupInt16(sym, expLut);
        sum = (sum + exps[c]) | 0;
      }
      const headroomPlusOne = Math.clz32(sum);
      const shiftedSum = Math.floor((sum * 2 ** (headroomPlusOne - 1) + 8192) / 16384);
      const symShifted = clamp(shiftedSum - (32768 + 65536), -32768, 32767);
      const recip = lutLookupInt16(symShifted, recipLut);
      const rightShift = 31 - headroomPlusOne;
      const round = rightShift > 0 ? 2 ** (rightShift - 1) : 0;
      for (let c = 0; c < depth; c++) {
        const r = Math.floor((exps[c] * recip + round) / 2 ** rightShift);
        o[base + c] = clamp(r, 0, 32767);
      }
    }
  };
}

// int32 MultiplyByQuantizedMultiplier; the shift here can be positive (a left shift).
const multiplyByQuantizedMultiplierFast = (x: number, m: number, s: number) =>
  s > 0 && Math.abs(x) * 2 ** s >= 2 ** 31 ? multiplyByQuantizedMultiplier(x, m, s) : mbqm(x, m, s);
