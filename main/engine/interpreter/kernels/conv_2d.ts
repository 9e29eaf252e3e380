/**
 * CONV_2D, after TFLite's reference_ops::Conv (float, uint8), reference_integer_ops::
 * ConvPerChannel (int8; 16x8 with int64 or int32 accumulators) and reference_ops::
 * HybridConvPerChannel / the per-tensor hybrid path (float input, int8 weights).
 * Layouts: input NHWC, weights [out_c, kh, kw, in_c / groups], bias [out_c], output NHWC.
 * Grouped convolution (in_c a multiple of the weights' depth) is supported as in TFLite.
 *
 * Integer arithmetic: accumulators are exact in doubles (|acc| < 2^53 for any real model), then
 * wrapped to int32 (`| 0`) where C accumulates in int32, requantized with the shared
 * multiplyByQuantizedMultiplier (mbqm; mbqm64 for int64 accumulators), offset and clamped; the
 * integer loops are in common/conv-2d-int.ts.
 * Float: products summed in double and stored as float32 (within 1e-5 relative of TFLite's
 * float32 accumulation), then clamped to the fused activation range.
 */
import { clampInt, mbqm64 } from '../../quant/math';
import type { EvalFn, Kernel, OpContext, RtTensor } from '../types';
import {
  biasDtypesFor,
  biasValues,
  convQuant,
  convShapeOf,
  floatActivation,
  requireQuantDtypes,
  requireRank,
  weightScales,
  type ConvQuant,
  type ConvShape,
} from './common/conv';
import { conv2dQuant, convIntScratch } from './common/conv-2d-int';
import { asymmetricQuantizeFloats, symmetricQuantizeFloats } from './common/hybrid';

type IntArray = Int8Array | Uint8Array | Int16Array;

/**
 * The weights [out_c, kh, kw, kC] laid out tap-major, [kh, kw, kC, out_c], so that for one input
 * value the weights of every output channel are contiguous (`add` is applied to each value:
 * TFLite's uint8 filter offset, or 0). Written into `out`, which has the weights' length.
 */
export function tapMajorWeights<T extends Float32Array>(
  s: ConvShape,
  filter: ArrayLike<number>,
  add: number,
  out: T,
): T {
  const taps = s.kH * s.kW * s.kC;
  for (let oc = 0; oc < s.outC; oc++) {
    const src = oc * taps;
    for (let t = 0; t < taps; t++) out[t * s.outC + oc] = filter[src + t] + add;
  }
  return out;
}

/*
 * The multiply-accumulate walk, in two copies: the integer one skips zero inputs (exact for
 * integer sums, not for float ones, where 0 × Inf is NaN and signs of zero matter), and separate
 * functions keep V8's type feedback for float models apart from integer ones. For output pixel (b, y0, x0) (window origin), acc[oc] = sum over the
 * in-image taps (fy, fx, c), in that order, of input * weight, with weights tap-major
 * (tapMajorWeights). Out-of-image taps are skipped (they contribute real zero). Each acc[oc]
 * receives its products in the same (fy, fx, c) order as a per-channel loop would, so float sums
 * are bit-identical to that order; integer sums are exact in doubles (|acc| < 2^53).
 */
function pixelFloat(
  s: ConvShape,
  input: Float32Array,
  w: Float32Array,
  b: number,
  y0: number,
  x0: number,
  acc: Float64Array,
): void {
  const { inH, inW, inC, kH, kW, kC, outC, dilationH, dilationW } = s;
  const groups = inC / kC;
  const perGroup = outC / groups;
  for (let oc = 0; oc < outC; oc++) acc[oc] = 0;
  for (let fy = 0; fy < kH; fy++) {
    const iy = y0 + dilationH * fy;
    if (iy < 0 || iy >= inH) continue;
    const rowBase = (b * inH + iy) * inW;
    for (let fx = 0; fx < kW; fx++) {
      const ix = x0 + dilationW * fx;
      if (ix < 0 || ix >= inW) continue;
      const ip = (rowBase + ix) * inC;
      const tap = (fy * kW + fx) * kC;
      for (let g = 0; g < groups; g++) {
        const oc0 = g * perGroup;
        const oc1 = oc0 + perGroup;
        for (let c = 0; c < kC; c++) {
          const xv = input[ip + g * kC + c];
          const wb = (tap + c) * outC;
          for (let oc = oc0; oc < oc1; oc++) acc[oc] += xv * w[wb + oc];
        }
      }
    }
  }
}

/**
 * pixelFloat for integer data: inputs with offsets applied and tap-major weights, both integers
 * held in float32 (exact below 2^24; inputs and weights here are within 16 bits), so every product
 * and sum is an exact integer in double. Zero inputs are skipped (they add exact zeros).
 */
function pixelInt(
  s: ConvShape,
  input: Float32Array,
  w: Float32Array,
  b: number,
  y0: number,
  x0: number,
  acc: Float64Array,
): void {
  const { inH, inW, inC, kH, kW, kC, outC, dilationH, dilationW } = s;
  const groups = inC / kC;
  const perGroup = outC / groups;
  for (let oc = 0; oc < outC; oc++) acc[oc] = 0;
  for (let fy = 0; fy < kH; fy++) {
    const iy = y0 + dilationH * fy;
    if (iy < 0 || iy >= inH) continue;
    const rowBase = (b * inH + iy) * inW;
    for (let fx = 0; fx < kW; fx++) {
      const ix = x0 + dilationW * fx;
      if (ix < 0 || ix >= inW) continue;
      const ip = (rowBase + ix) * inC;
      const tap = (fy * kW + fx) * kC;
      for (let g = 0; g < groups; g++) {
        const oc0 = g * perGroup;
        const oc1 = oc0 + perGroup;
        for (let c = 0; c < kC; c++) {
          const xv = input[ip + g * kC + c];
          if (xv === 0) continue; // adds exact zeros: skipping them changes no integer sum
          const wb = (tap + c) * outC;
          for (let oc = oc0; oc < oc1; oc++) acc[oc] += xv * w[wb + oc];
        }
      }
    }
  }
}

/**
 * Float convolution; bias may be null. `weights` are tap-major (tapMajorWeights); `acc` is
 * scratch of out_c entries. Sums in double, then bias, stored as float32 (within 1e-5 relative
 * of TFLite's float32 accumulation), clamped to the fused activation range. Writes every output.
 */
export function conv2dFloat(
  s: ConvShape,
  input: Float32Array,
  weights: Float32Array,
  bias: Float64Array | null,
  output: Float32Array,
  actMin: number,
  actMax: number,
  acc: Float64Array,
): void {
  const outC = s.outC;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const y0 = oy * s.strideH - s.padH;
      for (let ox = 0; ox < s.outW; ox++) {
        pixelFloat(s, input, weights, b, y0, ox * s.strideW - s.padW, acc);
        for (let oc = 0; oc < outC; oc++) {
          const v = bias !== null ? acc[oc] + bias[oc] : acc[oc];
          output[o++] = v < actMin ? actMin : v > actMax ? actMax : v;
        }
      }
    }
  }
}

/**
 * Integer convolution with TFLite's int64 accumulator (16x8 with an int64 or int16 bias): the
 * exact sum (pixelInt) plus bias, requantized by the int64 MultiplyByQuantizedMultiplier (mbqm64),
 * offset and clamped. `scratch` (input-sized) receives x + inputOffset (0 for int16); `weights`
 * are tap-major; `acc` is scratch of out_c entries.
 */
export function conv2dQuantWide(
  s: ConvShape,
  input: Int16Array,
  weights: Float32Array,
  bias: Float64Array | null,
  output: Int16Array,
  q: ConvQuant,
  scratch: Float32Array,
  acc: Float64Array,
): void {
  const { inputOffset, outputOffset, multipliers, shifts, actMin, actMax } = q;
  for (let i = 0; i < input.length; i++) scratch[i] = input[i] + inputOffset;
  const outC = s.outC;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const y0 = oy * s.strideH - s.padH;
      for (let ox = 0; ox < s.outW; ox++) {
        pixelInt(s, scratch, weights, b, y0, ox * s.strideW - s.padW, acc);
        for (let oc = 0; oc < outC; oc++) {
          const a = bias !== null ? acc[oc] + bias[oc] : acc[oc];
          output[o++] = clampInt(mbqm64(a, multipliers[oc], shifts[oc]) + outputOffset, actMin, actMax);
        }
      }
    }
  }
}

/**
 * Hybrid convolution: each batch of the float input is quantized to int8 (asymmetric with a
 * zero point when the weights are per-channel, symmetric otherwise, as TFLite chooses), the
 * integer dot products are formed over in-image taps, and the result is scaled back to float:
 * per-channel: acc * channel_scale * input_scale + bias; per-tensor: bias + acc * (input_scale *
 * weight_scale). Each product is rounded to float32 as in the C code. `weights` are the int8
 * weights tap-major; `scratch` (input-sized) receives the quantized input, `centered` the same
 * minus the zero point; `acc` is scratch of out_c entries.
 */
export function conv2dHybrid(
  s: ConvShape,
  input: Float32Array,
  weights: Float32Array,
  scales: Float32Array,
  perChannel: boolean,
  bias: Float64Array | null,
  output: Float32Array,
  actMin: number,
  actMax: number,
  scratch: Int8Array,
  centered: Float32Array,
  acc: Float64Array,
): void {
  const f32 = Math.fround;
  const batchSize = s.inH * s.inW * s.inC;
  const outC = s.outC;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    let inScale: number;
    let zp = 0;
    if (perChannel) {
      const r = asymmetricQuantizeFloats(input, b * batchSize, batchSize, scratch);
      inScale = r.scale;
      zp = r.offset;
    } else inScale = f32(symmetricQuantizeFloats(input, b * batchSize, batchSize, scratch) * scales[0]);
    for (let i = b * batchSize; i < (b + 1) * batchSize; i++) centered[i] = scratch[i] - zp;
    for (let oy = 0; oy < s.outH; oy++) {
      const y0 = oy * s.strideH - s.padH;
      for (let ox = 0; ox < s.outW; ox++) {
        pixelInt(s, centered, weights, b, y0, ox * s.strideW - s.padW, acc);
        for (let oc = 0; oc < outC; oc++) {
          const a = acc[oc] | 0;
          let v: number;
          if (perChannel) {
            v = f32(f32(a * scales[oc]) * inScale);
            if (bias !== null) v = f32(v + bias[oc]);
          } else {
            v = f32(a * inScale);
            if (bias !== null) v = f32(bias[oc] + v);
          }
          output[o++] = v < actMin ? actMin : v > actMax ? actMax : v;
        }
      }
    }
  }
}

/** Checks shapes and options shared by every CONV_2D variant; sets the output shape. */
export function convShape(ctx: OpContext, input: RtTensor, filter: RtTensor, output: RtTensor): ConvShape {
  requireRank(ctx, input, 4, 'input');
  requireRank(ctx, filter, 4, 'weights');
  const inC = input.shape[3];
  const [outC, kH, kW, kC] = filter.shape;
  if (kC === 0 || inC % kC !== 0)
    ctx.invalid(`input depth ${inC} is not a multiple of the weights' depth ${kC}`);
  const groups = inC / kC;
  if (outC === 0 || outC % groups !== 0)
    ctx.invalid(`${outC} output channels do not split into ${groups} groups`);
  return convShapeOf(ctx, input, output, kH, kW, kC, outC);
}

/**
 * TFLite uses the per-channel hybrid path only when the weights carry more than one scale and
 * they are not all equal; otherwise the per-tensor (symmetric input) path.
 */
export function hybridIsPerChannel(filter: RtTensor): boolean {
  const s = filter.quant?.scale ?? [];
  return s.length > 1 && s.some((v) => v !== s[0]);
}

export const kernel: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.inputs[2] ?? null;
    const output = ctx.output(0);
    const s = convShape(ctx, input, filter, output);
    const activation = ctx.options.fusedActivationFunction;

    if (input.dtype === 'float32' && filter.dtype === 'float32' && output.dtype === 'float32') {
      const [lo, hi] = floatActivation(ctx, activation);
      const b = biasValues(ctx, bias, s.outC, ['float32']);
      const acc = new Float64Array(s.outC);
      // Constant weights are laid out once; computed ones (e.g. DEQUANTIZE of float16 weights)
      // on every eval, which costs one pass over the weights.
      const weights = new Float32Array(s.outC * s.kH * s.kW * s.kC);
      if (filter.isConst) tapMajorWeights(s, filter.data as Float32Array, 0, weights);
      return () => {
        if (!filter.isConst) tapMajorWeights(s, filter.data as Float32Array, 0, weights);
        conv2dFloat(s, input.data as Float32Array, weights, b, output.data as Float32Array, lo, hi, acc);
      };
    }
    if (input.dtype === 'float32' && filter.dtype === 'int8' && output.dtype === 'float32') {
      if (!filter.isConst) ctx.unsupported('hybrid weights must be constant');
      const [lo, hi] = floatActivation(ctx, activation);
      const b = biasValues(ctx, bias, s.outC, ['float32']);
      const perChannel = hybridIsPerChannel(filter);
      const scales = Float32Array.from(weightScales(ctx, filter, s.outC, 0).scales);
      const scratch = new Int8Array(s.batches * s.inH * s.inW * s.inC);
      const centered = new Float32Array(scratch.length);
      const acc = new Float64Array(s.outC);
      const weights = tapMajorWeights(s, filter.data as Int8Array, 0, new Float32Array(filter.data.length));
      return () =>
        conv2dHybrid(
          s,
          input.data as Float32Array,
          weights,
          scales,
          perChannel,
          b,
          output.data as Float32Array,
          lo,
          hi,
          scratch,
          centered,
          acc,
        );
    }
    requireQuantDtypes(ctx, 'CONV_2D', input, filter, output);
    const q = convQuant(ctx, input, filter, output, s.outC, 0, activation);
    const b = biasValues(ctx, bias, s.outC, biasDtypesFor(input.dtype));
    // 16x8: TFLite accumulates in int64 unless the bias is int32.
    const int64 = input.dtype === 'int16' && bias?.dtype !== 'int32';
    if (!filter.isConst) ctx.unsupported('quantized weights must be constant');
    const data = filter.data as Int8Array | Uint8Array;
    const weights = tapMajorWeights(s, data, q.filterOffset, new Float32Array(data.length));
    if (int64) {
      const shifted = new Float32Array(s.batches * s.inH * s.inW * s.inC);
      const acc = new Float64Array(s.outC);
      return () =>
        conv2dQuantWide(s, input.data as Int16Array, weights, b, output.data as Int16Array, q, shifted, acc);
    }
    const scratch = convIntScratch(s);
    return () => conv2dQuant(s, input.data as IntArray, weights, b, output.data as IntArray, q, scratch);
  },
};
