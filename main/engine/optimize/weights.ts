/**
 * Weight, bias and float16 conversion of constant tensors, shared by every technique.
 * Rounding: TFLite's (std::round, halves away from zero, via quant/math's quantizeValue);
 * scales are float32 values, as the model stores them.
 */
import { quantizeValue, symmetricScale, INT32_MAX, INT32_MIN } from '../quant/math';
import { halfFromBits } from '../tensor/float16';
import { quantizeChannelBlocksSimd, toFloat16Simd } from './wasm/weights-simd';

export interface QuantizedWeights {
  data: Int8Array;
  scale: number[];
  zeroPoint: number[];
  /** quantized_dimension (0 for per-tensor). */
  axis: number;
}

/**
 * Symmetric int8 quantization in [-127, 127] (zero point 0), per channel along `axis` or per
 * tensor when axis is null. Each value lands within half a step (scale / 2) of the float value:
 * the scale is max|x| / 127, so no value is clamped except by float32 rounding of the scale.
 */
export function quantizeWeightsSymmetric(
  values: Float32Array,
  shape: readonly number[],
  axis: number | null,
): QuantizedWeights {
  const n = values.length;
  const channels = axis === null ? 1 : shape[axis];
  const inner = axis === null ? n : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = channels * inner === 0 ? 0 : n / (channels * inner);
  if (outer === 1 && inner > 1) {
    const simd = quantizeChannelBlocksSimd(values, channels, inner);
    if (simd) return { ...simd, zeroPoint: new Array<number>(channels).fill(0), axis: axis ?? 0 };
  }
  // Without WebAssembly SIMD (and for channels-last layouts): two passes, maxima then values.
  const data = new Int8Array(n);
  const bits = new Int32Array(values.buffer, values.byteOffset, n);
  const scale = new Array<number>(channels);
  // Flat index = (o * channels + c) * inner + i: loop in that order so no division per element.
  // Channels-last tensors (inner 1: DEPTHWISE_CONV_2D, axis 3) step a channel counter instead.
  const maxAbs = new Float64Array(channels);
  if (inner === 1) {
    for (let k = 0, c = 0; k < n; k++) {
      const a = Math.abs(values[k]);
      if (a > maxAbs[c]) maxAbs[c] = a;
      if (++c === channels) c = 0;
    }
  } else {
    for (let o = 0, k = 0; o < outer; o++) {
      for (let c = 0; c < channels; c++) {
        let m = maxAbs[c];
        for (let i = 0; i < inner; i++, k++) {
          const a = Math.abs(values[k]);
          if (a > m) m = a;
        }
        maxAbs[c] = m;
      }
    }
  }
  for (let c = 0; c < channels; c++) scale[c] = symmetricScale(maxAbs[c], 127);
  if (inner === 1) {
    for (let k = 0, c = 0; k < n; k++) {
      data[k] = quantizeSymmetric127(values[k], bits[k] >> 31, scale[c]);
      if (++c === channels) c = 0;
    }
  } else {
    for (let o = 0, k = 0; o < outer; o++) {
      for (let c = 0; c < channels; c++) {
        const s = scale[c];
        for (let i = 0; i < inner; i++, k++) data[k] = quantizeSymmetric127(values[k], bits[k] >> 31, s);
      }
    }
  }
  return { data, scale, zeroPoint: new Array<number>(channels).fill(0), axis: axis ?? 0 };
}

/**
 * Symmetric int8 values of `values` at given scales (per channel along `axis`, or one scale),
 * rounding half away from zero; null when a value would need more than ±127 (the scales then do
 * not fit TFLite's int8 weights). Dequantized int8 weights (q × scale in float32) come back as q.
 */
export function quantizeWeightsAtScales(
  values: Float32Array,
  shape: readonly number[],
  axis: number | null,
  scale: readonly number[],
): Int8Array | null {
  const channels = axis === null ? 1 : shape[axis];
  if (scale.length !== channels) return null;
  const inner = axis === null ? values.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const data = new Int8Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const c = axis === null ? 0 : Math.floor(k / inner) % channels;
    const q = quantizeValue(values[k], scale[c], 0, -128, 127);
    if (q < -127) return null;
    if (Math.abs(values[k] / scale[c]) > 127.5) return null;
    data[k] = q;
  }
  return data;
}

/** The largest double below 0.5: adding it then truncating rounds half away from zero exactly. */
const JUST_UNDER_HALF = 0.49999999999999994;

/**
 * quantizeValue(x, s, 0, -127, 127) without a data-dependent branch: round(|x / s|) half away
 * from zero as trunc(|x / s| + JUST_UNDER_HALF) (exact for every double: with 0.5 instead,
 * 0.49999999999999994 would round up), clamped, then the sign from the float's sign bit (`sign`
 * is its bits >> 31: 0 or -1). Weights have random signs and fractions, so a branch on either
 * mispredicts every other weight, which cost three times the whole loop.
 */
function quantizeSymmetric127(x: number, sign: number, s: number): number {
  // min before the truncation: NaN gives 0 and ±Inf 127, as WebAssembly's saturating truncation.
  const r = Math.min(Math.abs(x / s) + JUST_UNDER_HALF, 127) | 0;
  return (r ^ sign) - sign;
}

/**
 * Bias quantization: scale[c] = input_scale × weight_scale[c] (float32), zero point 0, values
 * round(b / scale) saturated to int32 (int8 models) or stored as int64 (16x8 models, where TFLite
 * accumulates in 64 bits; |b / scale| stays far below 2^53 for any sane scale).
 */
export function quantizeBias(
  values: Float32Array,
  inputScale: number,
  weightScales: readonly number[],
  dtype: 'int32' | 'int64',
): { data: Int32Array | BigInt64Array; scale: number[]; zeroPoint: number[] } {
  const n = values.length;
  const perChannel = weightScales.length === n && n > 1;
  const scale = perChannel
    ? weightScales.map((w) => Math.fround(inputScale * w))
    : [Math.fround(inputScale * weightScales[0])];
  const q = (k: number) => quantizeValue(values[k], scale[perChannel ? k : 0], 0, INT32_MIN, INT32_MAX);
  if (dtype === 'int32') {
    const data = new Int32Array(n);
    for (let k = 0; k < n; k++) data[k] = q(k);
    return { data, scale, zeroPoint: scale.map(() => 0) };
  }
  const data = new BigInt64Array(n);
  for (let k = 0; k < n; k++) {
    const s = scale[perChannel ? k : 0];
    data[k] = BigInt(Math.round(values[k] / s));
  }
  return { data, scale, zeroPoint: scale.map(() => 0) };
}

/** float32 values -> half bits (on the raw bits, without a per-value store). */
export function toFloat16(values: Float32Array): Uint16Array {
  const simd = toFloat16Simd(values);
  if (simd) return simd;
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let k = 0; k < bits.length; k++) out[k] = halfFromBits(bits[k]);
  return out;
}
