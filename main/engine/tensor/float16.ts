/**
 * IEEE 754 half precision, which TFLite tensors and NumPy ('<f2') store as raw 16-bit patterns
 * (held in a Uint16Array): exact conversion to numbers and rounding back, for kernels, optimizers,
 * input files and the ONNX tensor codec.
 */

/** IEEE half (as raw bits) to number, exactly. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

let halfTable: Float32Array | null = null;

/** All 65,536 half values as float32 (exact), built on first use: a lookup beats the arithmetic. */
export function halfLookup(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** Half bit patterns to float32 values (every half is exactly a float32). */
export function halvesToFloat32(halves: Uint16Array): Float32Array {
  const table = halfLookup();
  const out = new Float32Array(halves.length);
  for (let k = 0; k < halves.length; k++) out[k] = table[halves[k]];
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * float32 -> IEEE half bits, round to nearest even (as the converter's fp16 cast does);
 * overflow gives ±Inf, tiny values become subnormals or ±0, NaN stays NaN.
 */
export function floatToHalf(x: number): number {
  f32[0] = x;
  return halfFromBits(u32[0]);
}

/** floatToHalf on the raw float32 bits. */
export function halfFromBits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: units of 2^-24. The float is m × 2^(exp - 150) with a 24-bit m.
    const shift = 126 - exp;
    if (shift > 24) return sign;
    const m = mant | 0x800000;
    const h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    return sign | (h + (rem > half || (rem === half && h & 1) ? 1 : 0));
  }
  // Round to nearest even without a branch: the dropped 13 bits plus 0xfff plus the kept lsb
  // reach 0x2000 exactly when they are over half, or half with an odd lsb. A carry out of the
  // mantissa correctly bumps the exponent (up to Inf).
  return (sign | (e << 10) | (mant >>> 13)) + (((mant & 0x1fff) + 0xfff + ((mant >>> 13) & 1)) >>> 13);
}
