/**
 * Shared prepare-time logic for CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV: option checks,
 * window geometry, quantization parameters (TFLite's PopulateConvolutionQuantizationParams),
 * fused-activation ranges and bias access. Everything here runs once in prepare; the eval loops
 * live in the kernel files and trust what is checked here.
 */
import { activationRangeFloat, activationRangeQuantized, quantizeMultiplier } from '../../../quant/math';
import type { OpContext, RtTensor } from '../../types';
import { computePaddingHeightWidth, type Padding2D } from './padding';

/** Fused activation codes TFLite's quantized and float kernels clamp to (NONE, RELU, RELU_N1_TO_1, RELU6). */
export function checkedActivation(ctx: OpContext, activation: number | undefined): number {
  const a = activation ?? 0;
  if (a < 0 || a > 3) ctx.unsupported(`fused activation ${a} (only NONE, RELU, RELU_N1_TO_1, RELU6)`);
  return a;
}

export function floatActivation(ctx: OpContext, activation: number | undefined): [number, number] {
  return activationRangeFloat(checkedActivation(ctx, activation));
}

export function requireRank(ctx: OpContext, t: RtTensor, rank: number, what: string): void {
  if (t.shape.length !== rank) ctx.invalid(`${what} must be ${rank}-D, got shape [${t.shape.join(',')}]`);
  for (const d of t.shape)
    if (!Number.isInteger(d) || d < 0) ctx.invalid(`${what} has invalid shape [${t.shape.join(',')}]`);
}

export interface WindowOptions {
  padding: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
}

/** Reads stride/dilation/padding options, refusing values TFLite would reject. */
export function windowOptions(ctx: OpContext, withDilation: boolean): WindowOptions {
  const o = ctx.options;
  if (!o) ctx.invalid('builtin options are missing');
  const w: WindowOptions = {
    padding: o.padding ?? 0,
    strideH: o.strideH ?? 0,
    strideW: o.strideW ?? 0,
    dilationH: withDilation ? (o.dilationHFactor ?? 1) : 1,
    dilationW: withDilation ? (o.dilationWFactor ?? 1) : 1,
  };
  if (w.padding !== 0 && w.padding !== 1) ctx.unsupported(`padding type ${w.padding}`);
  if (!(w.strideH >= 1 && w.strideW >= 1)) ctx.invalid(`strides must be >= 1, got ${w.strideH}x${w.strideW}`);
  if (!(w.dilationH >= 1 && w.dilationW >= 1))
    ctx.invalid(`dilation must be >= 1, got ${w.dilationH}x${w.dilationW}`);
  return w;
}

/** Output size and padding for a window op, or a clear error when the window does not fit. */
export function windowGeometry(
  ctx: OpContext,
  w: WindowOptions,
  inH: number,
  inW: number,
  kH: number,
  kW: number,
): Padding2D {
  const g = computePaddingHeightWidth(
    w.strideH,
    w.strideW,
    w.dilationH,
    w.dilationW,
    inH,
    inW,
    kH,
    kW,
    w.padding,
  );
  if (!g || g.outHeight <= 0 || g.outWidth <= 0) {
    ctx.invalid(
      `window ${kH}x${kW} (dilation ${w.dilationH}x${w.dilationW}) does not fit input ${inH}x${inW}`,
    );
  }
  return g;
}

/** The single scale and zero point of a per-tensor quantized activation. */
export function perTensorParams(
  ctx: OpContext,
  t: RtTensor,
  what: string,
): { scale: number; zeroPoint: number } {
  const q = t.quant;
  if (!q || q.scale.length === 0) ctx.unsupported(`${what} (${t.dtype}) has no quantization parameters`);
  if (q.scale.length !== 1) ctx.unsupported(`${what} must be per-tensor quantized`);
  const scale = q.scale[0];
  if (!(scale > 0) || !Number.isFinite(scale)) ctx.invalid(`${what} has invalid scale ${scale}`);
  return { scale, zeroPoint: q.zeroPoint[0] ?? 0 };
}

/**
 * Per-output-channel weight scales: a per-tensor scale is broadcast; a per-channel array must run
 * along `axis` with one entry per channel. Weight zero points must be 0 (symmetric int8), except
 * for legacy uint8 weights, whose single zero point is returned.
 */
export function weightScales(
  ctx: OpContext,
  filter: RtTensor,
  channels: number,
  axis: number,
): { scales: number[]; zeroPoint: number } {
  const q = filter.quant;
  if (!q || q.scale.length === 0)
    ctx.unsupported(`weights (${filter.dtype}) have no quantization parameters`);
  let scales: number[];
  if (q.scale.length === 1) scales = new Array<number>(channels).fill(q.scale[0]);
  else {
    if (q.scale.length !== channels)
      ctx.invalid(`weights have ${q.scale.length} scales for ${channels} channels`);
    if (q.axis !== axis)
      ctx.unsupported(`per-channel weights quantized along axis ${q.axis}; expected ${axis}`);
    scales = q.scale;
  }
  for (const s of scales) if (!(s > 0) || !Number.isFinite(s)) ctx.invalid(`weights have invalid scale ${s}`);
  const zps = q.zeroPoint.length ? q.zeroPoint : [0];
  if (filter.dtype === 'uint8') {
    if (q.scale.length !== 1) ctx.unsupported('uint8 weights must be per-tensor quantized');
    return { scales, zeroPoint: zps[0] };
  }
  if (zps.some((z) => z !== 0)) ctx.unsupported('int8 weights must be symmetric (zero point 0)');
  return { scales, zeroPoint: 0 };
}

/**
 * Geometry of a window op (convolutions, pooling), fixed in prepare: NHWC input [batches, inH,
 * inW, *], output [batches, outH, outW, *], a kH x kW window moved by the strides, padding before.
 */
export interface WindowShape {
  batches: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
}

/** Geometry of one convolution, fixed in prepare. */
export interface ConvShape extends WindowShape {
  inC: number;
  outC: number;
  /** Weights' input depth (in_c / groups). */
  kC: number;
  dilationH: number;
  dilationW: number;
}

/**
 * The ConvShape of a CONV_2D or DEPTHWISE_CONV_2D whose weights (checked by the caller) give
 * kH x kW taps of kC input channels for outC outputs: reads the window options (with dilation)
 * and sets the output shape [N, out_h, out_w, out_c].
 */
export function convShapeOf(
  ctx: OpContext,
  input: RtTensor,
  output: RtTensor,
  kH: number,
  kW: number,
  kC: number,
  outC: number,
): ConvShape {
  const [batches, inH, inW, inC] = input.shape;
  const w = windowOptions(ctx, true);
  const g = windowGeometry(ctx, w, inH, inW, kH, kW);
  output.shape = [batches, g.outHeight, g.outWidth, outC];
  return {
    batches,
    inH,
    inW,
    inC,
    outH: g.outHeight,
    outW: g.outWidth,
    outC,
    kH,
    kW,
    kC,
    strideH: w.strideH,
    strideW: w.strideW,
    dilationH: w.dilationH,
    dilationW: w.dilationW,
    padH: g.padHeight,
    padW: g.padWidth,
  };
}

/** Activation dtype -> the weights dtype a quantized convolution takes with it (16x8: int8). */
const QUANT_WEIGHTS: Readonly<Record<string, string>> = { int8: 'int8', uint8: 'uint8', int16: 'int8' };

/** Refuses a quantized convolution's dtype combination TFLite has no kernel for. */
export function requireQuantDtypes(
  ctx: OpContext,
  op: string,
  input: RtTensor,
  filter: RtTensor,
  output: RtTensor,
): void {
  if (QUANT_WEIGHTS[input.dtype] !== filter.dtype || output.dtype !== input.dtype)
    ctx.unsupported(`${op} with input ${input.dtype}, weights ${filter.dtype}, output ${output.dtype}`);
}

/** The weights with TFLite's filter offset (-zero point, uint8 only) applied once. */
export function offsetWeights(filter: Int8Array | Uint8Array, filterOffset: number): Int16Array {
  // Always int16 so the inner loop sees one array type (uint8 - zero point needs 9 bits).
  return Int16Array.from(filter, (w) => w + filterOffset);
}

/** Everything an integer convolution loop needs, fixed in prepare. */
export interface ConvQuant {
  /** -input zero point, added to every input value (0 for int16). */
  inputOffset: number;
  /** -weight zero point (uint8 weights only; 0 for symmetric int8). */
  filterOffset: number;
  /** Output zero point, added after requantization. */
  outputOffset: number;
  multipliers: Int32Array;
  shifts: Int32Array;
  actMin: number;
  actMax: number;
}

/**
 * PopulateConvolutionQuantizationParams: for each output channel the real multiplier is
 * input_scale * weight_scale[c] / output_scale, computed in double from the float32 scales,
 * then encoded by QuantizeMultiplier. The activation clamp comes from the fused activation and
 * the output's quantized range.
 */
export function convQuant(
  ctx: OpContext,
  input: RtTensor,
  filter: RtTensor,
  output: RtTensor,
  channels: number,
  axis: number,
  activation: number,
): ConvQuant {
  const inQ = perTensorParams(ctx, input, 'input');
  const outQ = perTensorParams(ctx, output, 'output');
  if (input.dtype === 'int16' && (inQ.zeroPoint !== 0 || outQ.zeroPoint !== 0)) {
    ctx.unsupported('int16 activations must have zero point 0');
  }
  const w = weightScales(ctx, filter, channels, axis);
  const multipliers = new Int32Array(channels);
  const shifts = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const real = (inQ.scale * w.scales[c]) / outQ.scale;
    const m = quantizeMultiplier(real);
    if (m.shift > 30 || (input.dtype === 'int16' && m.shift > 7)) {
      ctx.unsupported(`effective scale ${real} of channel ${c} is out of TFLite's range`);
    }
    multipliers[c] = m.multiplier;
    shifts[c] = m.shift;
  }
  const [actMin, actMax] = activationRangeQuantized(
    checkedActivation(ctx, activation),
    outQ.scale,
    outQ.zeroPoint,
    output.dtype as 'int8' | 'uint8' | 'int16',
  );
  return {
    inputOffset: -inQ.zeroPoint,
    filterOffset: -w.zeroPoint,
    outputOffset: outQ.zeroPoint,
    multipliers,
    shifts,
    actMin,
    actMax,
  };
}

/**
 * Bias values as plain numbers (int32, int64 or float32 data), checked to have one entry per
 * output channel. int64 biases (16x8) must stay within TFLite's 2^47 accumulator contract, so
 * they are exact as doubles. Returns null when the bias input is omitted.
 */
export function biasValues(
  ctx: OpContext,
  bias: RtTensor | null,
  channels: number,
  dtypes: readonly string[],
): Float64Array | null {
  if (!bias) return null;
  if (!dtypes.includes(bias.dtype))
    ctx.unsupported(`bias dtype ${bias.dtype} (expected ${dtypes.join(' or ')})`);
  let n = 1;
  for (const d of bias.shape) n *= d;
  if (n !== channels) ctx.invalid(`bias has ${n} elements for ${channels} output channels`);
  if (!bias.isConst) ctx.unsupported('bias must be a constant tensor');
  const out = new Float64Array(channels);
  if (bias.data instanceof BigInt64Array) {
    for (let i = 0; i < channels; i++) {
      const v = bias.data[i];
      if (v >= 1n << 47n || v < -(1n << 47n))
        ctx.unsupported(`int64 bias ${v} exceeds TFLite's 2^47 contract`);
      out[i] = Number(v);
    }
  } else for (let i = 0; i < channels; i++) out[i] = (bias.data as Int32Array | Float32Array | Int16Array)[i];
  return out;
}

/** Bias dtypes TFLite accepts per activation dtype (16x8 also takes int32 and legacy int16 biases). */
export function biasDtypesFor(inputDtype: string): string[] {
  switch (inputDtype) {
    case 'float32':
      return ['float32'];
    case 'int16':
      return ['int64', 'int32', 'int16'];
    default:
      return ['int32'];
  }
}

/**
 * Element count of a shape a kernel allocates scratch for in prepare, refusing absurd sizes from
 * a malformed model with a domain error instead of a RangeError from the allocator.
 */
export function checkedElements(ctx: OpContext, shape: readonly number[], what: string): number {
  let n = 1;
  for (const d of shape) n *= d;
  if (!Number.isSafeInteger(n) || n > 2 ** 28) ctx.unsupported(`${what} of ${n} elements is too large`);
  return n;
}
