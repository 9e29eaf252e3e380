/**
 * DEPTHWISE_CONV_2D, after TFLite's reference_ops::DepthwiseConv (float, uint8),
 * reference_integer_ops::DepthwiseConvPerChannel (int8; 16x8 with int64 accumulators) and
 * DepthwiseConvHybridPerChannel (float input, int8 weights).
 * Layouts: input NHWC, weights [1, kh, kw, out_c] with out_c = in_c * depth_multiplier (output
 * channel ic * dm + m reads input channel ic), per-channel scales along axis 3.
 *
 * Integer arithmetic as in conv_2d.ts: exact double accumulators, wrapped to int32 where C
 * accumulates in int32, requantized by mbqm/mbqm64 per output channel, offset and clamped.
 */
import { clampInt, mbqm, mbqm64 } from '../../quant/math';
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
import { asymmetricQuantizeFloats } from './common/hybrid';

/** ConvShape with kC = 1 and the depth multiplier. */
export interface DepthwiseShape extends ConvShape {
  depthMultiplier: number;
}

type IntArray = Int8Array | Uint8Array | Int16Array;

/**
 * The float walk: for every output pixel, acc[oc] = sum over in-image taps of
 * filter[tap, oc] * input[pixel, oc / dm], then finish(acc, o) stores the pixel's out_c results
 * from output index o. Per output the taps are summed in (fy, fx) order, as in the reference.
 */
function depthwiseWalkFloat(
  s: DepthwiseShape,
  input: Float32Array,
  filter: Float32Array,
  acc: Float64Array,
  finish: (acc: Float64Array, o: number) => void,
): void {
  const { inH, inW, inC, kH, kW, outC, dilationH, dilationW, depthMultiplier: dm } = s;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const y0 = oy * s.strideH - s.padH;
      for (let ox = 0; ox < s.outW; ox++) {
        const x0 = ox * s.strideW - s.padW;
        acc.fill(0);
        for (let fy = 0; fy < kH; fy++) {
          const iy = y0 + dilationH * fy;
          if (iy < 0 || iy >= inH) continue;
          for (let fx = 0; fx < kW; fx++) {
            const ix = x0 + dilationW * fx;
            if (ix < 0 || ix >= inW) continue;
            const ib = ((b * inH + iy) * inW + ix) * inC;
            const fb = (fy * kW + fx) * outC;
            if (dm === 1) {
              for (let c = 0; c < inC; c++) acc[c] += filter[fb + c] * input[ib + c];
            } else {
              for (let ic = 0; ic < inC; ic++) {
                const x = input[ib + ic];
                for (let m = 0; m < dm; m++) acc[ic * dm + m] += filter[fb + ic * dm + m] * x;
              }
            }
          }
        }
        finish(acc, o);
        o += outC;
      }
    }
  }
}

export function depthwiseFloat(
  s: DepthwiseShape,
  input: Float32Array,
  filter: Float32Array,
  bias: Float64Array | null,
  output: Float32Array,
  actMin: number,
  actMax: number,
  acc: Float64Array,
): void {
  depthwiseWalkFloat(s, input, filter, acc, (a, o) => {
    for (let oc = 0; oc < a.length; oc++) {
      const v = bias ? a[oc] + bias[oc] : a[oc];
      output[o + oc] = v < actMin ? actMin : v > actMax ? actMax : v;
    }
  });
}

/** Scratch for depthwiseQuant, allocated once in prepare. */
export interface DepthwiseIntScratch {
  /** Input-sized: x + inputOffset, as float32-held integers. */
  shifted: Float32Array;
  /** out_c sums. */
  acc: Float64Array;
}

export function depthwiseIntScratch(s: DepthwiseShape): DepthwiseIntScratch {
  return { shifted: new Float32Array(s.batches * s.inH * s.inW * s.inC), acc: new Float64Array(s.outC) };
}

/**
 * Integer depthwise convolution (int8, uint8, 16x8): acc[oc] = sum over in-image taps of
 * (w + filterOffset) * (x + inputOffset) for input channel oc / dm, plus bias, requantized per
 * output channel (mbqm64 for the int64 accumulator, else the sum wrapped to int32). `weights`
 * [kh, kw, out_c] carry the uint8 filter offset, as float32-held integers; inputs are shifted
 * into sc.shifted the same way, so every product and sum is an exact integer in double. Windows
 * inside the image walk without bounds checks. Writes every output.
 */
export function depthwiseQuant(
  s: DepthwiseShape,
  input: IntArray,
  weights: Float32Array,
  bias: Float64Array | null,
  output: IntArray,
  q: ConvQuant,
  int64: boolean,
  sc: DepthwiseIntScratch,
): void {
  const { inputOffset, multipliers, shifts, outputOffset, actMin, actMax } = q;
  const { shifted, acc } = sc;
  for (let i = 0; i < input.length; i++) shifted[i] = input[i] + inputOffset;
  const { inH, inW, inC, kH, kW, outC, dilationH, dilationW, depthMultiplier: dm } = s;
  const yLast = (kH - 1) * dilationH;
  const xLast = (kW - 1) * dilationW;
  const rowStep = dilationH * inW * inC;
  const colStep = dilationW * inC;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const y0 = oy * s.strideH - s.padH;
      const rowInside = y0 >= 0 && y0 + yLast < inH;
      for (let ox = 0; ox < s.outW; ox++) {
        const x0 = ox * s.strideW - s.padW;
        for (let oc = 0; oc < outC; oc++) acc[oc] = 0;
        if (rowInside && x0 >= 0 && x0 + xLast < inW) {
          let row = ((b * inH + y0) * inW + x0) * inC;
          let fb = 0;
          for (let fy = 0; fy < kH; fy++) {
            let ib = row;
            for (let fx = 0; fx < kW; fx++) {
              if (dm === 1) {
                for (let c = 0; c < inC; c++) acc[c] += weights[fb + c] * shifted[ib + c];
              } else {
                for (let ic = 0; ic < inC; ic++) {
                  const x = shifted[ib + ic];
                  for (let m = 0; m < dm; m++) acc[ic * dm + m] += weights[fb + ic * dm + m] * x;
                }
              }
              ib += colStep;
              fb += outC;
            }
            row += rowStep;
          }
        } else {
          for (let fy = 0; fy < kH; fy++) {
            const iy = y0 + dilationH * fy;
            if (iy < 0 || iy >= inH) continue;
            for (let fx = 0; fx < kW; fx++) {
              const ix = x0 + dilationW * fx;
              if (ix < 0 || ix >= inW) continue;
              const ib = ((b * inH + iy) * inW + ix) * inC;
              const fb = (fy * kW + fx) * outC;
              if (dm === 1) {
                for (let c = 0; c < inC; c++) acc[c] += weights[fb + c] * shifted[ib + c];
              } else {
                for (let ic = 0; ic < inC; ic++) {
                  const x = shifted[ib + ic];
                  for (let m = 0; m < dm; m++) acc[ic * dm + m] += weights[fb + ic * dm + m] * x;
                }
              }
            }
          }
        }
        for (let oc = 0; oc < outC; oc++) {
          const a = bias !== null ? acc[oc] + bias[oc] : acc[oc];
          const v = int64 ? mbqm64(a, multipliers[oc], shifts[oc]) : mbqm(a | 0, multipliers[oc], shifts[oc]);
          output[o++] = clampInt(v + outputOffset, actMin, actMax);
        }
      }
    }
  }
}

/**
 * Hybrid per-channel depthwise: each batch quantized asymmetrically to int8; acc over
 * (w * (q - zero_point)); result = float(acc) * (channel_scale * input_scale) + bias, each
 * product rounded to float32 as in the C code.
 */
export function depthwiseHybrid(
  s: DepthwiseShape,
  input: Float32Array,
  filter: Int8Array,
  scales: Float32Array,
  bias: Float64Array | null,
  output: Float32Array,
  actMin: number,
  actMax: number,
  scratch: Int8Array,
): void {
  const f32 = Math.fround;
  const batchSize = s.inH * s.inW * s.inC;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    const { scale: inScale, offset: zp } = asymmetricQuantizeFloats(input, b * batchSize, batchSize, scratch);
    for (let oy = 0; oy < s.outH; oy++) {
      const y0 = oy * s.strideH - s.padH;
      for (let ox = 0; ox < s.outW; ox++) {
        const x0 = ox * s.strideW - s.padW;
        for (let ic = 0; ic < s.inC; ic++) {
          for (let m = 0; m < s.depthMultiplier; m++) {
            const oc = ic * s.depthMultiplier + m;
            let acc = 0;
            for (let fy = 0; fy < s.kH; fy++) {
              const iy = y0 + s.dilationH * fy;
              if (iy < 0 || iy >= s.inH) continue;
              for (let fx = 0; fx < s.kW; fx++) {
                const ix = x0 + s.dilationW * fx;
                if (ix < 0 || ix >= s.inW) continue;
                acc +=
                  filter[(fy * s.kW + fx) * s.outC + oc] *
                  (scratch[((b * s.inH + iy) * s.inW + ix) * s.inC + ic] - zp);
              }
            }
            let v = f32((acc | 0) * f32(scales[oc] * inScale));
            if (bias) v = f32(v + bias[oc]);
            output[o++] = v < actMin ? actMin : v > actMax ? actMax : v;
          }
        }
      }
    }
  }
}

export function depthwiseShape(
  ctx: OpContext,
  input: RtTensor,
  filter: RtTensor,
  output: RtTensor,
): DepthwiseShape {
  requireRank(ctx, input, 4, 'input');
  requireRank(ctx, filter, 4, 'weights');
  const inC = input.shape[3];
  const [one, kH, kW, outC] = filter.shape;
  if (one !== 1)
    ctx.invalid(`depthwise weights must have shape [1, kh, kw, out_c], got [${filter.shape.join(',')}]`);
  if (inC === 0 || outC % inC !== 0)
    ctx.invalid(`${outC} output channels are not a multiple of ${inC} input channels`);
  const depthMultiplier = outC / inC;
  const opt = ctx.options?.depthMultiplier ?? 0;
  // Old converters wrote 0 or stale values; TFLite derives the multiplier from the shapes, but a
  // non-zero option that disagrees points at a broken model.
  if (opt !== 0 && opt !== depthMultiplier)
    ctx.invalid(`depth_multiplier ${opt} disagrees with ${inC} -> ${outC} channels`);
  return { ...convShapeOf(ctx, input, output, kH, kW, 1, outC), depthMultiplier };
}

export const kernel: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.inputs[2] ?? null;
    const output = ctx.output(0);
    const s = depthwiseShape(ctx, input, filter, output);
    const activation = ctx.options.fusedActivationFunction;

    if (input.dtype === 'float32' && filter.dtype === 'float32' && output.dtype === 'float32') {
      const [lo, hi] = floatActivation(ctx, activation);
      const b = biasValues(ctx, bias, s.outC, ['float32']);
      const acc = new Float64Array(s.outC);
      return () =>
        depthwiseFloat(
          s,
          input.data as Float32Array,
          filter.data as Float32Array,
          b,
          output.data as Float32Array,
          lo,
          hi,
          acc,
        );
    }
    if (input.dtype === 'float32' && filter.dtype === 'int8' && output.dtype === 'float32') {
      if (!filter.isConst) ctx.unsupported('hybrid weights must be constant');
      const [lo, hi] = floatActivation(ctx, activation);
      const b = biasValues(ctx, bias, s.outC, ['float32']);
      const scales = Float32Array.from(weightScales(ctx, filter, s.outC, 3).scales);
      const scratch = new Int8Array(s.batches * s.inH * s.inW * s.inC);
      return () =>
        depthwiseHybrid(
          s,
          input.data as Float32Array,
          filter.data as Int8Array,
          scales,
          b,
          output.data as Float32Array,
          lo,
          hi,
          scratch,
        );
    }
    requireQuantDtypes(ctx, 'DEPTHWISE_CONV_2D', input, filter, output);
    const q = convQuant(ctx, input, filter, output, s.outC, 3, activation);
    // 16x8 depthwise takes only int64 biases in TFLite (lite and micro), unlike CONV_2D.
    const b = biasValues(ctx, bias, s.outC, input.dtype === 'int16' ? ['int64'] : biasDtypesFor(input.dtype));
    const int64 = input.dtype === 'int16';
    if (!filter.isConst) ctx.unsupported('quantized weights must be constant');
    const weights = Float32Array.from(filter.data as Int8Array | Uint8Array, (w) => w + q.filterOffset);
    const scratch = depthwiseIntScratch(s);
    return () =>
      depthwiseQuant(s, input.data as IntArray, weights, b, output.data as IntArray, q, int64, scratch);
  },
};
