/**
 * What the graph view asks of a model format beyond the InspectReport: an operator's options
 * (stride, padding, fused activation; ONNX attributes) and a constant tensor's values. Formats
 * answer through ModelFormat's optional `opAttributes` and `constantValues` (format.ts); what is
 * done with the values (dequantizing, binning) is format-neutral and lives here, so the graph
 * view's histogram means the same for every format.
 */
import type { QuantizationInfo } from './inspect-report';

/** One option of an operator, as the format names it ("stride_w", "fused_activation_function"). */
export interface OpAttribute {
  name: string;
  /** The value in words: "2", "SAME", "RELU6", "[1, 2, 2, 1]", "tensor int64 ⟨4⟩". */
  value: string;
}

/** A constant tensor's stored values, one number per element (int64 as the nearest double). */
export type ConstantValues =
  Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** A histogram of a tensor's values: `counts[i]` holds values in [min + i·w, min + (i+1)·w), the last bin closed. */
export interface ValueHistogram {
  /** Elements counted (NaN and ±Infinity are left out and counted in `nonFinite`). */
  count: number;
  nonFinite: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** Elements exactly zero (after dequantizing: the zero point). */
  zeros: number;
  counts: number[];
  /** True when the values were quantized and the histogram is of the real values (scale · (q − zero point)). */
  dequantized: boolean;
}

/** Bins the graph view asks for at most. */
export const MAX_HISTOGRAM_BINS = 256;

/**
 * real = scale[c] · (q − zeroPoint[c]), c the index along `quant.axis` (per-tensor when one scale).
 * `shape` gives the stride of the axis; a per-channel set whose length does not match the axis
 * is not guessed at: null.
 */
export function dequantize(
  values: ConstantValues,
  shape: readonly number[],
  quant: QuantizationInfo,
): Float64Array | null {
  const { scale, zeroPoint } = quant;
  if (scale.length === 0) return null;
  const out = new Float64Array(values.length);
  if (scale.length === 1) {
    const s = scale[0]!;
    const z = zeroPoint[0] ?? 0;
    for (let i = 0; i < values.length; i++) out[i] = s * (values[i]! - z);
    return out;
  }
  const axis = quant.axis;
  if (axis < 0 || axis >= shape.length || shape[axis] !== scale.length) return null;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const channels = scale.length;
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = scale[c]! * (values[i]! - (zeroPoint[c] ?? zeroPoint[0] ?? 0));
  }
  return out;
}

/** Bins the finite values into `bins` equal bins between their min and max (one bin when all are equal). */
export function histogram(values: ArrayLike<number>, bins: number, dequantized = false): ValueHistogram {
  const n = Math.max(1, Math.min(MAX_HISTOGRAM_BINS, Math.floor(bins)));
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    count++;
    sum += v;
    if (v === 0) zeros++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(count === 0 ? 0 : min === max ? 1 : n).fill(0);
  const mean = count === 0 ? 0 : sum / count;
  let sq = 0;
  if (count > 0) {
    const width = (max - min) / counts.length;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      sq += (v - mean) * (v - mean);
      const b = width === 0 ? 0 : Math.min(counts.length - 1, Math.floor((v - min) / width));
      counts[b]!++;
    }
  }
  return {
    count,
    nonFinite: values.length - count,
    min: count === 0 ? 0 : min,
    max: count === 0 ? 0 : max,
    mean,
    std: count === 0 ? 0 : Math.sqrt(sq / count),
    zeros,
    counts,
    dequantized,
  };
}

/** camelCase → snake_case, as TFLite's schema spells option names ("dilationWFactor" → "dilation_w_factor"). */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** A list of numbers in words, the first `limit` of them then "… (N)". */
export function listInWords(values: ArrayLike<number | bigint>, limit = 16): string {
  const shown: string[] = [];
  for (let i = 0; i < Math.min(values.length, limit); i++) shown.push(String(values[i]));
  return `[${shown.join(', ')}${values.length > limit ? `, … (${values.length} values)` : ''}]`;
}
