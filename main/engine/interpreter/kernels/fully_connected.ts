/**
 * FULLY_CONNECTED: float32; int8 (per-tensor or per-channel int8 weights, int32 bias);
 * int16x8 (int16 activations, int8 weights, int64 or int32 bias); uint8 (legacy, with a weight
 * zero point); hybrid (float input, int8 weights; see common/fully-connected-hybrid.ts).
 *
 * Integer method (reference_integer_ops::FullyConnected[PerChannel]): acc = sum of
 * (w + w_offset) * (x + x_offset) over the depth, plus bias; rescaled by
 * multiplyByQuantizedMultiplier (the int64 form when the accumulator is int64, i.e. for int16
 * input with int64 bias), plus the output zero point, clamped to the activation range.
 * Accumulators are exact in doubles (|acc| < 2^53 for any realistic depth) and int32
 * accumulators are wrapped to 32 bits like C would.
 */
import { activationRangeFloat, clampInt, mbqm, mbqm64 } from '../../quant/math';
import { fusedActivation, multiplierOf, perTensor, quantActivationRange } from './common/kernel-util';
import type { EvalFn, Kernel, OpContext } from '../types';
import { fcGeometry, type FcOperands } from './common/fully-connected-geometry';
import { prepareHybridFc } from './common/fully-connected-hybrid';

function prepareFloat(ctx: OpContext, { g, input, weights, bias, out }: FcOperands): EvalFn {
  if (bias && bias.dtype !== 'float32') ctx.unsupported(`float FULLY_CONNECTED with ${bias.dtype} bias`);
  const [lo, hi] = activationRangeFloat(fusedActivation(ctx));
  const { batches, units, depth } = g;
  return () => {
    const x = input.data as Float32Array;
    const w = weights.data as Float32Array;
    const b = bias ? (bias.data as Float32Array) : null;
    const o = out.data as Float32Array;
    for (let bi = 0; bi < batches; bi++) {
      const xo = bi * depth;
      for (let u = 0; u < units; u++) {
        // Accumulates in double (more accurate than TFLite's float32; agrees within 1e-5 rel).
        let acc = 0;
        const wo = u * depth;
        for (let d = 0; d < depth; d++) acc += x[xo + d] * w[wo + d];
        const v = Math.fround(acc) + (b ? b[u] : 0);
        o[bi * units + u] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  };
}

/** An integer FULLY_CONNECTED's requantization, fixed in prepare (shared with the SIMD kernel). */
export interface FcQuant {
  /** -input zero point. */
  inOff: number;
  /** -weight zero point (uint8 weights only). */
  wOff: number;
  /** Output zero point. */
  outOff: number;
  mult: Int32Array;
  shift: Int32Array;
  lo: number;
  hi: number;
  /** int64 accumulator (int16 input with an int64 bias or none). */
  wide: boolean;
}

/** Checks an integer FULLY_CONNECTED's dtypes and quantization; its requantization parameters. */
export function quantizedFcParams(ctx: OpContext, { g, input, weights, bias, out }: FcOperands): FcQuant {
  const inDt = input.dtype;
  const okPair =
    (inDt === 'int8' && weights.dtype === 'int8') ||
    (inDt === 'uint8' && weights.dtype === 'uint8') ||
    (inDt === 'int16' && weights.dtype === 'int8');
  if (!okPair || out.dtype !== inDt) ctx.unsupported('unsupported input/weights/output dtype combination');
  const qi = perTensor(ctx, input, 'input');
  const qo = perTensor(ctx, out, 'output');
  if (!weights.quant) ctx.unsupported('weights have no quantization parameters');
  const { units } = g;
  const wScales = weights.quant.scale;
  if (wScales.length !== 1 && wScales.length !== units)
    ctx.invalid(`weights have ${wScales.length} scales for ${units} units`);
  const wZp = weights.quant.zeroPoint[0] ?? 0;
  if (inDt !== 'uint8' && weights.quant.zeroPoint.some((z) => z !== 0))
    ctx.unsupported('int8 weights with a non-zero zero point');
  if (inDt === 'int16' && (qi.zeroPoint !== 0 || qo.zeroPoint !== 0))
    ctx.unsupported('int16 activations with a non-zero zero point');
  let wide = false; // int64 accumulator
  if (bias) {
    if (bias.dtype === 'int64') {
      if (inDt !== 'int16') ctx.unsupported('int64 bias needs int16 activations');
      wide = true;
    } else if (bias.dtype !== 'int32') ctx.unsupported(`bias dtype ${bias.dtype}`);
  } else wide = inDt === 'int16';
  // Multipliers in double precision (GetQuantizedConvolutionMultipler / per-channel params).
  const mult = new Int32Array(units);
  const shift = new Int32Array(units);
  for (let u = 0; u < units; u++) {
    const ws = wScales.length === 1 ? wScales[0] : wScales[u];
    const m = multiplierOf((qi.scale * ws) / qo.scale);
    mult[u] = m.multiplier;
    shift[u] = m.shift;
  }
  const [lo, hi] = quantActivationRange(fusedActivation(ctx), out, qo);
  return { inOff: -qi.zeroPoint, wOff: -wZp, outOff: qo.zeroPoint, mult, shift, lo, hi, wide };
}

function prepareQuantized(ctx: OpContext, fc: FcOperands): EvalFn {
  const { g, input, weights, bias, out } = fc;
  const { batches, units, depth } = g;
  const { inOff, wOff, outOff, mult, shift, lo, hi, wide } = quantizedFcParams(ctx, fc);
  let biasNum: Float64Array | null = null; // bias as numbers, read once (constant) or per eval
  const readBias = () => {
    if (!bias) return null;
    if (!biasNum || !bias.isConst) {
      biasNum = new Float64Array(units);
      const bd = bias.data;
      for (let u = 0; u < units; u++) biasNum[u] = Number(bd[u]);
    }
    return biasNum;
  };
  // Weights plus their offset as float32-held integers (exact: within 9 bits), laid out once when
  // constant; the input row's nonzero values (after the offset) and their depth indices.
  const wf = new Float32Array(units * depth);
  const fillWeights = () => {
    const w = weights.data as Int8Array | Uint8Array;
    for (let i = 0; i < wf.length; i++) wf[i] = w[i] + wOff;
  };
  if (weights.isConst) fillWeights();
  const idx = new Int32Array(depth);
  const val = new Float32Array(depth);
  const acc = new Float64Array(units);
  return () => {
    if (!weights.isConst) fillWeights();
    const x = input.data as Int8Array | Uint8Array | Int16Array;
    const b = readBias();
    const o = out.data as Int8Array | Uint8Array | Int16Array;
    for (let bi = 0; bi < batches; bi++) {
      const n = nonzeroEntries(x, bi * depth, depth, inOff, idx, val);
      fcDots(wf, depth, units, idx, val, n, acc);
      for (let u = 0; u < units; u++) {
        const a = b ? acc[u] + b[u] : acc[u];
        const scaled = wide ? mbqm64(a, mult[u], shift[u]) : mbqm(a | 0, mult[u], shift[u]);
        o[bi * units + u] = clampInt(scaled + outOff, lo, hi);
      }
    }
  };
}

/**
 * The nonzero values of x[start, start + depth) plus offset, and their indices (relative to
 * start), packed at the front of val/idx; returns their count. Zeros (after the offset: a ReLU's
 * or padding's zero point) add nothing to an integer dot product. Branch-free: every entry is
 * written, and the count advances only for a nonzero value.
 */
export function nonzeroEntries(
  x: ArrayLike<number>,
  start: number,
  depth: number,
  offset: number,
  idx: Int32Array,
  val: Float32Array,
): number {
  let n = 0;
  for (let d = 0; d < depth; d++) {
    const v = x[start + d] + offset;
    idx[n] = d;
    val[n] = v;
    n += (v | -v) >>> 31; // 1 unless v === 0 (|v| < 2^17)
  }
  return n;
}

/**
 * acc[u] = sum over j < n of val[j] * w[u * depth + idx[j]]: integer dot products, exact in
 * doubles (every product is an integer below 2^26, any order gives the same sum), four units at
 * a time so their sums stay in registers.
 */
export function fcDots(
  w: Float32Array,
  depth: number,
  units: number,
  idx: Int32Array,
  val: Float32Array,
  n: number,
  acc: Float64Array,
): void {
  let u = 0;
  for (; u + 4 <= units; u += 4) {
    const w0 = u * depth;
    const w1 = w0 + depth;
    const w2 = w1 + depth;
    const w3 = w2 + depth;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < n; j++) {
      const i = idx[j];
      const v = val[j];
      a0 += v * w[w0 + i];
      a1 += v * w[w1 + i];
      a2 += v * w[w2 + i];
      a3 += v * w[w3 + i];
    }
    acc[u] = a0;
    acc[u + 1] = a1;
    acc[u + 2] = a2;
    acc[u + 3] = a3;
  }
  for (; u < units; u++) {
    const w0 = u * depth;
    let a0 = 0;
    for (let j = 0; j < n; j++) a0 += val[j] * w[w0 + idx[j]];
    acc[u] = a0;
  }
}

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const weights = ctx.input(1);
    const bias = ctx.inputs[2] ?? null;
    const out = ctx.output(0);
    const fc: FcOperands = { g: fcGeometry(ctx, input, weights, bias, out), input, weights, bias, out };
    if (input.dtype === 'float32' && weights.dtype === 'float32') {
      if (out.dtype !== 'float32') ctx.unsupported('float input with non-float output');
      return prepareFloat(ctx, fc);
    }
    if (input.dtype === 'float32' && (weights.dtype === 'int8' || weights.dtype === 'uint8')) {
      return prepareHybridFc(ctx, fc);
    }
    return prepareQuantized(ctx, fc);
  },
};
