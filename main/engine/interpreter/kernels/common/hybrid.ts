/**
 * On-the-fly input quantization for the hybrid (float activations, int8 weights) CONV_2D and
 * DEPTHWISE_CONV_2D kernels of dynamic-range models, after TFLite's portable tensor utils
 * (PortableAsymmetricQuantizeFloats / PortableSymmetricQuantizeFloats). The C code mixes float
 * and double; Math.fround marks each place a C float is stored so the rounding matches, and
 * rounding is std::round (halves away from zero).
 */
import { roundAwayFromZero } from '../../../quant/math';
import { minMaxOf } from '../../../tensor/min-max';

const f32 = Math.fround;

/**
 * Asymmetric int8 quantization of values[start, start+size) into out (same offsets): the range
 * is [min(0, lo), max(0, hi)] in double, scale = range / 255 stored as float, the zero point
 * picked from whichever end has the smaller error and nudged into [-128, 127].
 * Returns the float scaling factor and the zero point (offset).
 */
export function asymmetricQuantizeFloats(
  values: Float32Array,
  start: number,
  size: number,
  out: Int8Array,
): { scale: number; offset: number } {
  const { min: lo, max: hi } = minMaxOf(values, start, start + size);
  const rmin = Math.min(0, lo);
  const rmax = Math.max(0, hi);
  if (rmin === rmax) {
    out.fill(0, start, start + size);
    return { scale: 1, offset: 0 };
  }
  const qmin = -128;
  const qmax = 127;
  const scaleD = (rmax - rmin) / (qmax - qmin);
  const zpFromMin = qmin - rmin / scaleD;
  const zpFromMax = qmax - rmax / scaleD;
  const errMin = Math.abs(qmin) + Math.abs(rmin / scaleD);
  const errMax = Math.abs(qmax) + Math.abs(rmax / scaleD);
  const zp = errMin < errMax ? zpFromMin : zpFromMax;
  const offset = zp <= qmin ? qmin : zp >= qmax ? qmax : roundAwayFromZero(zp);
  const scale = f32(scaleD);
  const inv = f32(1 / scale);
  for (let i = start; i < start + size; i++) {
    // offset + value * inv is float arithmetic in C: the product and the sum each round to float.
    const q = roundAwayFromZero(f32(offset + f32(values[i] * inv)));
    out[i] = q < qmin ? qmin : q > qmax ? qmax : q;
  }
  return { scale, offset };
}

/**
 * Symmetric int8 quantization (per-tensor hybrid weights): scale = max|x| / 127 as float,
 * values rounded by x * (127 / range) and clamped to [-127, 127]. Returns the scaling factor.
 */
export function symmetricQuantizeFloats(
  values: Float32Array,
  start: number,
  size: number,
  out: Int8Array,
): number {
  const { min: lo, max: hi } = minMaxOf(values, start, start + size);
  const range = f32(Math.max(Math.abs(lo), Math.abs(hi)));
  if (range === 0 || size === 0) {
    out.fill(0, start, start + size);
    return 1;
  }
  const scale = f32(range / 127);
  const inv = f32(127 / range);
  for (let i = start; i < start + size; i++) {
    const q = roundAwayFromZero(f32(values[i] * inv));
    out[i] = q < -127 ? -127 : q > 127 ? 127 : q;
  }
  return scale;
}
