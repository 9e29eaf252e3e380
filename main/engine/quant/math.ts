/**
 * Integer quantization arithmetic shared by the interpreter's kernels and the quantizer.
 *
 * These follow TFLite's reference semantics (gemmlowp fixed point + tflite::QuantizeMultiplier)
 * exactly, because integer kernels must match TFLite bit for bit:
 *  - a real multiplier M in (0, 1) or beyond is encoded as a Q31 int32 `multiplier` in
 *    [2^30, 2^31) and a `shift` with M ≈ multiplier * 2^(shift - 31);
 *  - SaturatingRoundingDoublingHighMul(a, b) = round_half_away((a*b) / 2^31), saturating the one
 *    overflow case a = b = INT32_MIN;
 *  - RoundingDivideByPOT(x, e) = x / 2^e rounded to nearest, ties away from zero.
 * The 64-bit intermediate products do not fit a double, so they are computed exactly with
 * 16-bit limbs (see mulHigh) rather than with BigInt, which is far slower in hot loops.
 */

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/**
 * tflite::QuantizeMultiplier: frexp the real multiplier into q in [0.5, 1) and an exponent,
 * round q * 2^31 to an integer (ties away from zero, like std::round), fix the 2^31 overflow.
 * Tiny multipliers (shift < -31) flush to zero as TFLite does.
 */
export function quantizeMultiplier(realMultiplier: number): QuantizedMultiplier {
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  const [q, exp] = frexp(realMultiplier);
  let shift = exp;
  let qFixed = roundAwayFromZero(q * 2 ** 31);
  if (qFixed === 2 ** 31) {
    qFixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  // TFLite keeps shifts within 30 on the left; larger means a broken scale.
  return { multiplier: qFixed, shift };
}

/** C's frexp: x = m * 2^e with |m| in [0.5, 1). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  const abs = Math.abs(x);
  let e = Math.max(-1073, Math.floor(Math.log2(abs)) + 1);
  let m = abs * 2 ** -e;
  // log2 can be off by one near powers of two; normalise exactly.
  while (m < 0.5) {
    m *= 2;
    e--;
  }
  while (m >= 1) {
    m /= 2;
    e++;
  }
  return [x < 0 ? -m : m, e];
}

/** std::round: nearest integer, halves away from zero. */
export function roundAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Exact signed 64-bit product of two int32 values, returned as [hi, lo] 32-bit words
 * (hi signed, lo unsigned), computed with 16-bit limbs so no intermediate exceeds 2^53.
 */
export function mul64(a: number, b: number): [number, number] {
  const neg = a < 0 !== b < 0 && a !== 0 && b !== 0;
  const ua = Math.abs(a);
  const ub = Math.abs(b);
  const a0 = ua & 0xffff;
  const a1 = Math.floor(ua / 65536);
  const b0 = ub & 0xffff;
  const b1 = Math.floor(ub / 65536);
  const p00 = a0 * b0;
  const mid = a1 * b0 + a0 * b1; // < 2^34, exact
  const hiPart = a1 * b1; // < 2^32
  // lo = p00 + (mid mod 2^16) * 2^16, carry into hi
  const midLo = mid % 65536;
  const midHi = Math.floor(mid / 65536);
  let lo = p00 + midLo * 65536; // < 2^33
  let hi = hiPart + midHi + Math.floor(lo / 4294967296);
  lo = lo % 4294967296;
  if (neg) {
    // two's complement negate of the 64-bit magnitude
    lo = 4294967296 - lo;
    hi = -hi - 1;
    if (lo === 4294967296) {
      lo = 0;
      hi += 1;
    }
  }
  return [hi, lo];
}

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: (a * b * 2 + 2^31 nudge) >> 32 in the reference's
 * form: nudge = ab >= 0 ? 2^30 : 1 - 2^30, result = (ab + nudge) / 2^31 truncated toward zero.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const [hi, lo] = mul64(a, b);
  const nonNeg = hi >= 0;
  const nudge = nonNeg ? 1073741824 : 1 - 1073741824;
  // sum = ab + nudge as (hi, lo) words
  let sLo = lo + nudge;
  let sHi = hi;
  if (sLo >= 4294967296) {
    sLo -= 4294967296;
    sHi += 1;
  } else if (sLo < 0) {
    sLo += 4294967296;
    sHi -= 1;
  }
  // truncating division by 2^31 of the signed 64-bit value (sHi, sLo)
  if (sHi >= 0) {
    return sHi * 2 + Math.floor(sLo / 2147483648);
  }
  // negative: trunc(x / 2^31) = -floor(-x / 2^31)
  let nLo = 4294967296 - sLo;
  let nHi = -sHi - 1;
  if (nLo === 4294967296) {
    nLo = 0;
    nHi += 1;
  }
  return -(nHi * 2 + Math.floor(nLo / 2147483648));
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent, to nearest, ties away from zero. exponent in [0, 31]. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = (1 << exponent) - 1 || -1 >>> 0; // exponent 31/32 safe
  const remainder = (x & mask) >>> 0;
  const threshold = (mask >>> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * tflite::MultiplyByQuantizedMultiplier(x, multiplier, shift) for int32 x: left shift (when
 * shift > 0) with the saturating multiply, then a rounding right shift. Matches the reference
 * (non-double-rounding) variant used by TFLite's reference kernels and TFLM.
 */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(
    // x * (1 << left_shift) in int32, wrapping as the reference's int32 arithmetic does.
    saturatingRoundingDoublingHighMul(leftShift ? x << leftShift : x, multiplier),
    rightShift,
  );
}

/** Wraps a (small-integer-valued) double to int32 the way C's (int32_t) cast of a 64-bit value would. */
export function toInt32(x: number): number {
  // ToInt32 (`| 0`) wraps exactly like C's int32 cast for integers below 2^53 in magnitude;
  // only larger values need BigInt.
  if (Math.abs(x) < 9007199254740992) return x | 0;
  return Number(BigInt.asIntN(32, BigInt(x)));
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * clamp() for an integer x and integer bounds within +-2^30, without data-dependent branches
 * while |x| < 2^30: the sign of each difference masks it. Requantized outputs saturate at a
 * fused ReLU's zero about as often as not, so the two compares of clamp() mispredict on them;
 * this form is about twice as fast in those loops. Returns exactly what clamp() returns.
 */
export function clampInt(x: number, lo: number, hi: number): number {
  if (x < 1073741824 && x > -1073741824) {
    let d = x - lo;
    x = lo + (d & ~(d >> 31)); // d < 0: lo, else x
    d = hi - x;
    return hi - (d & ~(d >> 31)); // d < 0: hi, else x
  }
  return x < lo ? lo : x > hi ? hi : x;
}

/** Integer range of a quantized dtype. */
export function qRange(dtype: 'int8' | 'uint8' | 'int16' | 'int32'): [number, number] {
  switch (dtype) {
    case 'int8':
      return [-128, 127];
    case 'uint8':
      return [0, 255];
    case 'int16':
      return [-32768, 32767];
    case 'int32':
      return [INT32_MIN, INT32_MAX];
  }
}

/**
 * Fused activation clamp in the quantized domain (tflite::CalculateActivationRangeQuantized):
 * RELU -> [q(0), qmax], RELU6 -> [q(0), q(6)], RELU_N1_TO_1 -> [q(-1), q(1)], intersected with
 * the dtype's range. q(x) = zeroPoint + round(x / scale).
 */
export function activationRangeQuantized(
  activation: number,
  scale: number,
  zeroPoint: number,
  dtype: 'int8' | 'uint8' | 'int16',
): [number, number] {
  const [qmin, qmax] = qRange(dtype);
  // TFLite divides in float32 (f / scale with float operands); fround reproduces that quotient
  // exactly (float32 operands, double division, one rounding to float32 is correctly rounded).
  const s32 = Math.fround(scale);
  const q = (x: number) => zeroPoint + roundAwayFromZero(Math.fround(x / s32));
  switch (activation) {
    case 0: // NONE
      return [qmin, qmax];
    case 1: // RELU
      return [Math.max(qmin, q(0)), qmax];
    case 2: // RELU_N1_TO_1
      return [Math.max(qmin, q(-1)), Math.min(qmax, q(1))];
    case 3: // RELU6
      return [Math.max(qmin, q(0)), Math.min(qmax, q(6))];
    default:
      throw new RangeError(`fused activation ${activation} has no quantized range`);
  }
}

/** Float clamp for fused activations (tflite::CalculateActivationRange). */
export function activationRangeFloat(activation: number): [number, number] {
  switch (activation) {
    case 0:
      return [-Infinity, Infinity];
    case 1:
      return [0, Infinity];
    case 2:
      return [-1, 1];
    case 3:
      return [0, 6];
    default:
      throw new RangeError(`fused activation ${activation} has no float range`);
  }
}

/** real -> quantized value with round-half-away, zero point, and saturation to [qmin, qmax]. */
export function quantizeValue(
  x: number,
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): number {
  return clamp(roundAwayFromZero(x / scale) + zeroPoint, qmin, qmax);
}

// ---------------------------------------------------------------------------------------------
// Fast exact variants for kernel hot loops (interpreter core). They return exactly what the
// functions above return (checked against them and a BigInt reference in math-fast.test.ts),
// without allocating or using BigInt.

/**
 * saturatingRoundingDoublingHighMul for int32 a and b, exact in doubles: b is split into 16-bit
 * halves so every partial product stays below 2^48.
 */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const bh = b >> 16; // signed high half
  const bl = b & 0xffff; // unsigned low half
  const pHi = a * bh; // |.| < 2^46, exact
  const pLo = a * bl; // |.| < 2^47, exact
  // ab = pHi * 2^16 + pLo = q1 * 2^31 + (r1 * 2^16 + pLo), with r1 in [0, 2^15)
  const q1 = Math.floor(pHi / 32768);
  const r1 = pHi - q1 * 32768;
  const nudge = pHi * 65536 + pLo >= 0 ? 1073741824 : 1 - 1073741824; // sign of ab (sign is exact enough: |ab| >= 1 or 0)
  const rest = r1 * 65536 + pLo + nudge; // |.| < 2^48, exact
  // total = ab + nudge = q1 * 2^31 + rest; result = trunc(total / 2^31)
  const fr = Math.floor(rest / 2147483648);
  const f = q1 + fr; // floor(total / 2^31)
  const rem = rest - fr * 2147483648;
  return f < 0 && rem !== 0 ? f + 1 : f;
}

/** 2^k for k in [0, 63]: a table lookup is much faster than `2 ** k` with a variable k. */
const POW2 = Float64Array.from({ length: 64 }, (_, k) => 2 ** k);

/** roundingDivideByPOT for int32 x and exponent in [0, 31], without masks that overflow at 31. */
export function rdbpot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const p = POW2[exponent];
  const q = Math.floor(x / p);
  // remainder (x & mask) against threshold (mask >> 1) + (x < 0), mask = p - 1
  return q + (x - q * p > p / 2 - (x < 0 ? 0 : 1) ? 1 : 0);
}

/**
 * multiplyByQuantizedMultiplier (int32 x, double-rounding reference form) without BigInt:
 * the left shift wraps like C's int32 multiply would (it never does for sane scales).
 *
 * Fast path (every accumulator of a real int8 layer): when |x| < 2^22 (after the left shift),
 * x * multiplier + 2^30 is below 2^53 in magnitude, so it is exact in a double, and
 * SaturatingRoundingDoublingHighMul's nudge-and-truncate equals floor((x * m + 2^30) / 2^31)
 * (for negative products, trunc((p + 1 - 2^30) / 2^31) = ceil(...) = floor((p + 2^30) / 2^31)).
 * RoundingDivideByPOT is then done in int32 bit arithmetic without branches: the result is
 * (t >> e) + 1 exactly when the remainder exceeds (mask >> 1) + (t < 0). Other inputs take the
 * limb path (srdhm, rdbpot). Checked against both and a BigInt reference in math-fast.test.ts.
 */
export function mbqm(x: number, multiplier: number, shift: number): number {
  // Kept small so V8 inlines it into kernel loops: the common case (right shift of at most 31,
  // no left shift) is here, everything else in mbqmRest.
  if (shift <= 0 && shift >= -31 && x < 4194304 && x > -4194304) {
    // * 2^-31 is exact (a power of two), so floor sees the exact quotient.
    const t = Math.floor((x * multiplier + 1073741824) * 4.656612873077393e-10);
    const e = -shift;
    const mask = ~(-1 << e); // 2^e - 1 as int32 (0 for e = 0, 2^31 - 1 for e = 31)
    // |t| <= 2^22, so the sum below is negative (top bit set) exactly when remainder > threshold.
    return (t >> e) + (((mask >>> 1) + (t >>> 31) - (t & mask)) >>> 31);
  }
  return mbqmRest(x, multiplier, shift);
}

/** mbqm for a left shift, a right shift beyond 31 or |x| >= 2^22 (see mbqm). */
function mbqmRest(x: number, multiplier: number, shift: number): number {
  if (shift > 0) x = Math.imul(x, POW2[shift]);
  if (x < 4194304 && x > -4194304) {
    const t = Math.floor((x * multiplier + 1073741824) * 4.656612873077393e-10);
    return shift >= 0 ? t : rdbpot(t, -shift);
  }
  const h = srdhm(x, multiplier);
  return shift >= 0 ? h : rdbpot(h, -shift);
}

/**
 * tflite::MultiplyByQuantizedMultiplier(int64_t x, int32_t quantized_multiplier, int shift), used
 * by the 16x8 kernels with int64 accumulators: the multiplier is reduced to 15 bits (rounded,
 * saturating at 0x7FFF), then x * reduced + 2^(total_shift-1) is arithmetically shifted right by
 * total_shift = 15 - shift and truncated to int32. TFLite assumes |x| < 2^47 and shift in
 * [-31, 7]; here x must be a safe integer (|x| < 2^53), and the 64-bit product is formed exactly
 * from 24-bit halves of x.
 */
export function mbqm64(x: number, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + 32768) >> 16 : 0x7fff;
  const totalShift = 15 - shift;
  const xh = Math.floor(x / 16777216);
  const xl = x - xh * 16777216; // [0, 2^24)
  const a = xh * reduced; // |.| < 2^44
  const b = xl * reduced + POW2[totalShift - 1]; // < 2^40 + 2^(ts-1)
  // value = a * 2^24 + b; result = floor(value / 2^totalShift)
  let r: number;
  if (totalShift >= 24) {
    r = Math.floor((a + Math.floor(b / 16777216)) / POW2[totalShift - 24]);
  } else {
    r = a * POW2[24 - totalShift] + Math.floor(b / POW2[totalShift]);
  }
  return (r | 0) === r ? r : toInt32(r);
}

// ---------------------------------------------------------------------------------------------
// Parameter choice for the quantizer (main/engine/optimize). Computed in float32 (Math.fround at
// each place the converter stores a C float) so the scales match what TFLite's tools write.

/**
 * Asymmetric (activation) parameters as TFLite's converter picks them
 * (GetAsymmetricQuantizationParams): the range is first widened to contain 0, then
 * scale = (max - min) / (qmax - qmin) and zero point = round(qmin - min / scale) clamped to
 * [qmin, qmax]. The zero point being an integer is the nudge that makes real 0 exactly
 * representable. An all-zero range has no scale; it gets scale 1 so kernels stay defined.
 */
export function asymmetricParams(
  min: number,
  max: number,
  qmin: number,
  qmax: number,
): { scale: number; zeroPoint: number } {
  const f = Math.fround;
  const lo = f(Math.min(min, 0));
  const hi = f(Math.max(max, 0));
  const scale = f((hi - lo) / (qmax - qmin));
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 1, zeroPoint: clamp(0, qmin, qmax) };
  const zpFromMin = f(qmin - f(lo / scale));
  const zeroPoint = zpFromMin < qmin ? qmin : zpFromMin > qmax ? qmax : roundAwayFromZero(zpFromMin);
  return { scale, zeroPoint };
}

/**
 * Symmetric scale (zero point 0) for values within [-maxAbs, maxAbs] mapped onto [-qmax, qmax]
 * (127 for int8 weights, 32767 for int16 activations), stored as float32. A zero range gets
 * scale 1 (every value quantizes to 0 either way) so no kernel divides by zero.
 */
export function symmetricScale(maxAbs: number, qmax: number): number {
  const s = Math.fround(maxAbs / qmax);
  return s > 0 && Number.isFinite(s) ? s : 1;
}
