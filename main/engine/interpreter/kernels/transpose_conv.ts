/**
 * TRANSPOSE_CONV after TFLite's reference_ops::TransposeConv (float) and
 * reference_integer_ops::TransposeConv (int8 per-channel with int32 accumulators; 16x8 with
 * int64 accumulators and an int64 bias, or an int16 bias widened to int64 as TFLite Micro does)
 * and reference_ops::TransposeConv for legacy uint8 (per-tensor, weight zero point).
 * Inputs: 0 output_shape (int32 [4]), 1 weights [out_c, kh, kw, in_c], 2 input NHWC, 3 optional
 * bias. Every input pixel scatters input * weight into the output window at
 * (in * stride - pad); padding is computed as for a convolution from the output back to the
 * input (ComputePaddingHeightWidth on the output size, dilation 1).
 *
 * A non-constant output_shape (as in TFLM's conformance models) is accepted when the output
 * tensor's static shape is known; eval checks the runtime values agree, since the arena was
 * planned for that shape.
 */
import { ShapeMismatchError } from '../../errors';
import { mbqm, mbqm64 } from '../../quant/math';
import type { EvalFn, Kernel, OpContext, RtTensor } from '../types';
import {
  biasValues,
  checkedElements,
  convQuant,
  floatActivation,
  offsetWeights,
  requireRank,
  windowOptions,
  requireQuantDtypes,
  type ConvQuant,
  type WindowShape,
} from './common/conv';
import { computePaddingHeightWidth } from './common/padding';

export interface TransposeConvShape extends WindowShape {
  inC: number;
  outC: number;
}

type IntArray = Int8Array | Uint8Array | Int16Array;

/** Scatter-accumulates (x + inputOffset) * w into `acc` (zeroed first), NHWC output order. */
export function transposeConvAccumulate(
  s: TransposeConvShape,
  input: ArrayLike<number>,
  inputOffset: number,
  filter: ArrayLike<number>,
  acc: Float64Array,
): void {
  acc.fill(0);
  for (let b = 0; b < s.batches; b++) {
    for (let iy = 0; iy < s.inH; iy++) {
      const y0 = iy * s.strideH - s.padH;
      for (let ix = 0; ix < s.inW; ix++) {
        const x0 = ix * s.strideW - s.padW;
        for (let ic = 0; ic < s.inC; ic++) {
          const x = input[((b * s.inH + iy) * s.inW + ix) * s.inC + ic] + inputOffset;
          for (let fy = 0; fy < s.kH; fy++) {
            const oy = y0 + fy;
            if (oy < 0 || oy >= s.outH) continue;
            for (let fx = 0; fx < s.kW; fx++) {
              const ox = x0 + fx;
              if (ox < 0 || ox >= s.outW) continue;
              const ob = ((b * s.outH + oy) * s.outW + ox) * s.outC;
              const fb = (fy * s.kW + fx) * s.inC + ic;
              const fStride = s.kH * s.kW * s.inC;
              for (let oc = 0; oc < s.outC; oc++) acc[ob + oc] += x * filter[oc * fStride + fb];
            }
          }
        }
      }
    }
  }
}

export function transposeConvFloat(
  s: TransposeConvShape,
  input: Float32Array,
  filter: Float32Array,
  bias: Float64Array | null,
  output: Float32Array,
  lo: number,
  hi: number,
  acc: Float64Array,
): void {
  transposeConvAccumulate(s, input, 0, filter, acc);
  for (let i = 0; i < output.length; i++) {
    const v = bias ? acc[i] + bias[i % s.outC] : acc[i];
    output[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

export function transposeConvQuant(
  s: TransposeConvShape,
  input: IntArray,
  filter: Int16Array,
  bias: Float64Array | null,
  output: IntArray,
  q: ConvQuant,
  int64: boolean,
  acc: Float64Array,
): void {
  transposeConvAccumulate(s, input, q.inputOffset, filter, acc);
  const { multipliers, shifts, outputOffset, actMin, actMax } = q;
  for (let i = 0; i < output.length; i++) {
    const oc = i % s.outC;
    let a = acc[i];
    if (bias) a += bias[oc];
    let v = int64 ? mbqm64(a, multipliers[oc], shifts[oc]) : mbqm(a | 0, multipliers[oc], shifts[oc]);
    v += outputOffset;
    output[i] = v < actMin ? actMin : v > actMax ? actMax : v;
  }
}

/** The output shape: constant output_shape values, or the output tensor's static shape. */
function outputShape(
  ctx: OpContext,
  shapeT: RtTensor,
  output: RtTensor,
): { shape: number[]; dynamic: boolean } {
  if (shapeT.dtype !== 'int32') ctx.unsupported(`output_shape dtype ${shapeT.dtype}`);
  if (shapeT.shape.length !== 1 || shapeT.shape[0] !== 4) ctx.invalid('output_shape must hold 4 values');
  if (shapeT.isConst) return { shape: Array.from(shapeT.data as Int32Array), dynamic: false };
  const declared = output.shape;
  if (declared.length !== 4 || declared.some((d) => !(d > 0))) {
    ctx.unsupported('output_shape is not constant and the output has no static shape');
  }
  return { shape: [...declared], dynamic: true };
}

export const kernel: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const shapeT = ctx.input(0);
    const filter = ctx.input(1);
    const input = ctx.input(2);
    const bias = ctx.inputs[3] ?? null;
    const output = ctx.output(0);
    requireRank(ctx, input, 4, 'input');
    requireRank(ctx, filter, 4, 'weights');
    const { shape: outShape, dynamic } = outputShape(ctx, shapeT, output);
    const [batches, inH, inW, inC] = input.shape;
    const [outC, kH, kW, kC] = filter.shape;
    if (kC !== inC) ctx.invalid(`weights depth ${kC} does not match input depth ${inC}`);
    if (outShape[0] !== batches || outShape[3] !== outC || outShape.some((d) => !(d > 0))) {
      ctx.invalid(`output_shape [${outShape.join(',')}] does not fit batch ${batches} and ${outC} channels`);
    }
    const w = windowOptions(ctx, false);
    const g = computePaddingHeightWidth(
      w.strideH,
      w.strideW,
      1,
      1,
      outShape[1],
      outShape[2],
      kH,
      kW,
      w.padding,
    );
    if (!g) ctx.invalid('invalid window');
    output.shape = outShape;
    const s: TransposeConvShape = {
      batches,
      inH,
      inW,
      inC,
      outH: outShape[1],
      outW: outShape[2],
      outC,
      kH,
      kW,
      strideH: w.strideH,
      strideW: w.strideW,
      padH: g.padHeight,
      padW: g.padWidth,
    };
    const acc = new Float64Array(checkedElements(ctx, outShape, 'output'));
    const checkShape = () => {
      if (!dynamic) return;
      const v = shapeT.data as Int32Array;
      for (let i = 0; i < 4; i++) {
        if (v[i] !== outShape[i]) {
          throw new ShapeMismatchError(
            `${ctx.opName} (operator ${ctx.opIndex}): output_shape [${Array.from(v).join(',')}] differs from the planned [${outShape.join(',')}]`,
          );
        }
      }
    };
    const activation = ctx.options.fusedActivationFunction;

    if (input.dtype === 'float32' && filter.dtype === 'float32' && output.dtype === 'float32') {
      const [lo, hi] = floatActivation(ctx, activation);
      const b = biasValues(ctx, bias, outC, ['float32']);
      return () => {
        checkShape();
        transposeConvFloat(
          s,
          input.data as Float32Array,
          filter.data as Float32Array,
          b,
          output.data as Float32Array,
          lo,
          hi,
          acc,
        );
      };
    }
    requireQuantDtypes(ctx, 'TRANSPOSE_CONV', input, filter, output);
    if (!filter.isConst) ctx.unsupported('quantized weights must be constant');
    const q = convQuant(ctx, input, filter, output, outC, 0, activation);
    const b = biasValues(ctx, bias, outC, input.dtype === 'int16' ? ['int64', 'int16'] : ['int32']);
    const int64 = input.dtype === 'int16';
    // uint8 (legacy, per-tensor): the weight zero point is removed once, as TFLite's
    // weights_offset does per product.
    const weights = offsetWeights(filter.data as Int8Array | Uint8Array, q.filterOffset);
    return () => {
      checkShape();
      transposeConvQuant(s, input.data as IntArray, weights, b, output.data as IntArray, q, int64, acc);
    };
  },
};
