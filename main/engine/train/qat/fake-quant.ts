/**
 * Fake quantization for quantization-aware training, with exactly the arithmetic of Lowbit's
 * full-integer quantizer (optimize/full-integer-rewrite.ts), so what training simulates is what
 * the export writes:
 *
 * - weights: symmetric int8 in [-127, 127], per channel along the op's weight axis (CONV_2D 0,
 *   DEPTHWISE_CONV_2D 3, FULLY_CONNECTED 0), scale = max|w| / 127 stored as float32 — the very
 *   function the quantizer calls (quantizeWeightsSymmetric), then dequantized as q × scale;
 * - biases: int32 (int64 for 16x8) at input scale × weight scale (quantizeBias), dequantized;
 * - activations: per tensor, int8 asymmetric from the range widened to contain 0 with the zero
 *   point rounded (asymmetricParams), or int16 symmetric (symmetricScale over 32767); values are
 *   quantized as the QUANTIZE kernel does (round half away from zero of the float32 quotient,
 *   plus the zero point, saturated) and dequantized as (q − zp) × scale in float32.
 *
 * Gradients are straight-through (TFMOT's FakeQuantWithMinMaxVars): an activation's gradient
 * passes where the value lies inside the representable range [(qmin − zp)·s, (qmax − zp)·s] and
 * is zero outside; weights always lie inside their own max|w| range, so theirs passes unchanged.
 */
import { asymmetricParams, clamp, roundAwayFromZero, symmetricScale } from '../../quant/math';
import { quantizeBias, quantizeWeightsSymmetric } from '../../optimize/weights';

/** Activation type: 'int8' (int8 activations, int8 weights) or 'int16' (16x8). */
export type ActivationScheme = 'int8' | 'int16';

export interface ActivationParams {
  scale: number;
  zeroPoint: number;
}

export interface Range {
  min: number;
  max: number;
}

/** The saturation bounds of an activation of this scheme (what the integer kernels clamp to). */
export function activationBounds(scheme: ActivationScheme): [number, number] {
  return scheme === 'int16' ? [-32768, 32767] : [-128, 127];
}

/** Per-tensor parameters of an activation range, as the full-integer rewrite chooses them. */
export function activationParams(r: Range, scheme: ActivationScheme): ActivationParams {
  return scheme === 'int16'
    ? { scale: symmetricScale(Math.max(-r.min, r.max), 32767), zeroPoint: 0 }
    : asymmetricParams(r.min, r.max, -128, 127);
}

/**
 * Fake-quantizes `x` in place with per-tensor parameters; when `mask` is given, writes 1 where
 * the straight-through gradient passes (the value was inside the representable range) and 0
 * where it was clamped. Returns the number of clamped values.
 */
export function fakeQuantize(
  x: Float32Array | Float64Array,
  p: ActivationParams,
  scheme: ActivationScheme,
  mask?: Uint8Array,
): number {
  const [qmin, qmax] = activationBounds(scheme);
  const s = Math.fround(p.scale);
  const zp = p.zeroPoint;
  // The representable real range; a value beyond it saturates.
  const lo = (qmin - zp) * s;
  const hi = (qmax - zp) * s;
  let clamped = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    const q = clamp(roundAwayFromZero(Math.fround(v / s)) + zp, qmin, qmax);
    x[k] = (q - zp) * s; // float32 arrays round the product once, as DEQUANTIZE does
    const inside = v >= lo && v <= hi;
    if (!inside) clamped++;
    if (mask) mask[k] = inside ? 1 : 0;
  }
  return clamped;
}

/** Fake-quantized weights (q × scale, float32) and their per-channel (or single) scales. */
export function fakeQuantWeights(
  values: Float32Array,
  shape: readonly number[],
  axis: number | null,
): { values: Float32Array; scale: number[] } {
  const q = quantizeWeightsSymmetric(values, shape, axis !== null && shape.length > axis ? axis : null);
  const out = new Float32Array(values.length);
  const channels = q.scale.length;
  if (channels === 1) {
    const s = q.scale[0];
    for (let k = 0; k < out.length; k++) out[k] = q.data[k] * s;
  } else {
    const inner = shape.slice(q.axis + 1).reduce((a, b) => a * b, 1);
    for (let k = 0; k < out.length; k++) out[k] = q.data[k] * q.scale[Math.floor(k / inner) % channels];
  }
  return { values: out, scale: q.scale };
}

/** Fake-quantized bias (int32, or int64 for 16x8, at input scale × weight scale), float32. */
export function fakeQuantBias(
  values: Float32Array,
  inputScale: number,
  weightScales: readonly number[],
  scheme: ActivationScheme,
): Float32Array {
  const q = quantizeBias(values, inputScale, weightScales, scheme === 'int16' ? 'int64' : 'int32');
  const out = new Float32Array(values.length);
  const perChannel = q.scale.length > 1;
  for (let k = 0; k < out.length; k++) out[k] = Number(q.data[k]) * q.scale[perChannel ? k : 0];
  return out;
}

/**
 * Moving-average activation ranges (TFMOT's MovingAverageQuantizer): each batch's min and max,
 * widened to contain 0, are blended into an exponential moving average with decay 0.999.
 * TFMOT starts every range at [−6, 6]; here the first batch sets it (as Lowbit's moving-average
 * calibrator does), so a short fine-tuning run does not keep a range mostly made of the
 * arbitrary start. Ranges update only in training steps, never on evaluation.
 */
export class MovingAverageRanges {
  private readonly ranges = new Map<number, Range>();
  constructor(readonly decay = 0.999) {}

  /** Blends one batch's values of tensor `key` into its range. */
  observe(key: number, values: ArrayLike<number>): void {
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    this.observeRange(key, lo, hi);
  }

  /** Blends a batch range (already reduced) of tensor `key`; it is widened to contain 0. */
  observeRange(key: number, min: number, max: number): void {
    const lo = Math.min(min, 0);
    const hi = Math.max(max, 0);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return;
    const r = this.ranges.get(key);
    if (!r) this.ranges.set(key, { min: lo, max: hi });
    else {
      r.min = r.min * this.decay + lo * (1 - this.decay);
      r.max = r.max * this.decay + hi * (1 - this.decay);
    }
  }

  get(key: number): Range | undefined {
    return this.ranges.get(key);
  }

  has(key: number): boolean {
    return this.ranges.has(key);
  }

  /** A copy of every range, by tensor. */
  snapshot(): Map<number, Range> {
    return new Map([...this.ranges].map(([k, r]) => [k, { ...r }]));
  }

  /** Replaces the ranges (e.g. those of the best epoch). */
  restore(ranges: Map<number, Range>): void {
    this.ranges.clear();
    for (const [k, r] of ranges) this.ranges.set(k, { ...r });
  }
}
