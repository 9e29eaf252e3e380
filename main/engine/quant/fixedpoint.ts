/**
 * gemmlowp's fixed-point math (fixedpoint.h) for 16- and 32-bit raw values: exp on negative
 * values, logistic and tanh, exactly as TFLite's integer LSTM (ApplySigmoid / ApplyTanh) and
 * other integer kernels evaluate them.
 *
 * A fixed-point value is its raw integer plus a compile-time number of integer bits I: real =
 * raw / 2^(B-1-I) for raw width B. Here raw values are JS numbers holding the signed B-bit value;
 * every operation reproduces the C++ one on that type:
 *  - `+`/`-`/negation wrap to B bits (gemmlowp's Add/Sub/Neg are plain integer ops);
 *  - `*` is SaturatingRoundingDoublingHighMul and adds the integer bits of its operands;
 *  - Rescale / SaturatingRoundingMultiplyByPOT saturate on left shifts and round (half away
 *    from zero) on right shifts;
 *  - constants given as Q0.31 int32 literals are rounded to 16 bits with RoundingDivideByPOT(.., 16).
 * Products of int16 values fit a double exactly; int32 products go through srdhm from math.ts.
 */
import { rdbpot, srdhm } from './math';

export type RawBits = 16 | 32;

const I16_MIN = -32768;
const I16_MAX = 32767;
const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** static_cast to the raw type: wrap to B bits. */
export function wrap(b: RawBits, x: number): number {
  return b === 16 ? (x << 16) >> 16 : x | 0;
}

/** gemmlowp SaturatingRoundingDoublingHighMul on int16. */
export function srdhm16(a: number, b: number): number {
  if (a === I16_MIN && b === I16_MIN) return I16_MAX;
  const ab = a * b;
  const nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return wrap(16, Math.trunc((ab + nudge) / 32768));
}

/** tflite's SaturatingDoublingHighMul on int16 (no rounding nudge). */
export function sdhm16(a: number, b: number): number {
  if (a === I16_MIN && b === I16_MIN) return I16_MAX;
  return wrap(16, Math.trunc((a * b) / 32768));
}

function mul(b: RawBits, x: number, y: number): number {
  return b === 16 ? srdhm16(x, y) : srdhm(x, y);
}

/** SaturatingRoundingMultiplyByPOT<e>: saturating left shift for e > 0, rounding right shift for e < 0. */
export function srMulByPOT(b: RawBits, x: number, e: number): number {
  if (e === 0) return x;
  if (e < 0) return rdbpot(x, -e);
  const threshold = 2 ** (b - 1 - e) - 1;
  if (x > threshold) return b === 16 ? I16_MAX : I32_MAX;
  if (x < -threshold) return b === 16 ? I16_MIN : I32_MIN;
  return x * 2 ** e;
}

/** gemmlowp RoundingHalfSum: (a + b + sign) / 2, truncated. */
function roundingHalfSum(b: RawBits, x: number, y: number): number {
  const sum = x + y;
  return wrap(b, Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2));
}

/** A Q0.31 constant literal as the raw type holds it (RescaleConstantInitializer). */
function constant(b: RawBits, int32Value: number): number {
  return b === 16 ? wrap(16, rdbpot(int32Value, 16)) : int32Value;
}

/** The constants every call needs, converted once per raw width (they are hot-loop values). */
interface Constants {
  expConstantTerm: number;
  oneThird: number;
  c48over17: number;
  cNeg32over17: number;
  half: number;
  barrel: number[];
}
function makeConstants(b: RawBits): Constants {
  return {
    expConstantTerm: constant(b, 1895147668),
    oneThird: constant(b, 715827883),
    c48over17: constant(b, 1515870810),
    cNeg32over17: constant(b, -1010580540),
    half: constant(b, 1 << 30),
    barrel: EXP_BARREL_MULTIPLIER.map((m) => constant(b, m)),
  };
}

const add = (b: RawBits, x: number, y: number) => wrap(b, x + y);
const sub = (b: RawBits, x: number, y: number) => wrap(b, x - y);
const neg = (b: RawBits, x: number) => wrap(b, -x);
/** One() of a format with `intBits` integer bits (the max raw value when there are none). */
const one = (b: RawBits, intBits: number) =>
  intBits === 0 ? (b === 16 ? I16_MAX : I32_MAX) : 2 ** (b - 1 - intBits);
const constantPOT = (b: RawBits, intBits: number, e: number) => 2 ** (b - 1 - intBits + e);

function addSaturatingIf16(b: RawBits, x: number, y: number): number {
  if (b === 32) return wrap(32, x + y);
  const s = x + y;
  return s > I16_MAX ? I16_MAX : s < I16_MIN ? I16_MIN : s;
}

/** exp(a) for a in [-1/4, 0), Q0 in and out: Taylor expansion around -1/8. */
function expOnIntervalQuarter(b: RawBits, a: number): number {
  const k = constantsOf(b);
  const constantTerm = k.expConstantTerm;
  const oneThird = k.oneThird;
  const x = add(b, a, constantPOT(b, 0, -3));
  const x2 = mul(b, x, x);
  const x3 = mul(b, x2, x);
  const x4 = mul(b, x2, x2);
  const x4Over4 = srMulByPOT(b, x4, -2);
  const poly = srMulByPOT(b, add(b, mul(b, add(b, x4Over4, x3), oneThird), x2), -1);
  return addSaturatingIf16(b, constantTerm, mul(b, constantTerm, add(b, x, poly)));
}

// Barrel shifter of exp(-2^k) for k = -2..4, as Q0.31 literals; parallel arrays so the hot
// loop does not allocate.
const EXP_BARREL_EXPONENT = [-2, -1, 0, 1, 2, 3, 4];
const EXP_BARREL_MULTIPLIER = [
  1672461947, // exp(-1/4)
  1302514674, // exp(-1/2)
  790015084, // exp(-1)
  290630308, // exp(-2)
  39332535, // exp(-4)
  720401, // exp(-8)
  242, // exp(-16)
];

let constants16: Constants | null = null;
let constants32: Constants | null = null;
function constantsOf(b: RawBits): Constants {
  if (b === 16) return (constants16 ??= makeConstants(16));
  return (constants32 ??= makeConstants(32));
}

/** exp(a) for a <= 0 with `intBits` integer bits; result Q0. */
export function expOnNegativeValues(b: RawBits, a: number, intBits: number): number {
  const fracBits = b - 1 - intBits;
  const quarter = constantPOT(b, intBits, -2);
  const mask = quarter - 1;
  const aModQuarterMinusQuarter = sub(b, a & mask, quarter);
  let result = expOnIntervalQuarter(b, srMulByPOT(b, aModQuarterMinusQuarter, intBits));
  const remainder = sub(b, aModQuarterMinusQuarter, a);
  const barrel = constantsOf(b).barrel;
  for (let k = 0; k < EXP_BARREL_EXPONENT.length; k++) {
    const exponent = EXP_BARREL_EXPONENT[k];
    if (intBits > exponent) {
      const bitMask = 2 ** (fracBits + exponent);
      // remainder & (1 << shift), with the shift below 31 for every valid format
      if ((remainder & bitMask) !== 0) result = mul(b, result, barrel[k]);
    }
  }
  if (intBits > 5) {
    const clampB = 36 - intBits;
    const clampValue = constant(b, -(2 ** clampB));
    if (a < clampValue) result = 0;
  }
  if (a === 0) result = one(b, 0);
  return result;
}

/** Newton-Raphson reciprocal shared by 1/(1+x) and (1-x)/(1+x); returns x in Q2. */
function newtonRecipQ2(b: RawBits, halfDenominator: number): number {
  const k = constantsOf(b);
  const c48over17 = k.c48over17;
  const cNeg32over17 = k.cNeg32over17;
  let x = add(b, c48over17, mul(b, halfDenominator, cNeg32over17));
  const oneQ2 = one(b, 2);
  for (let i = 0; i < 3; i++) {
    const hdx = mul(b, halfDenominator, x);
    const oneMinus = sub(b, oneQ2, hdx);
    x = add(b, x, srMulByPOT(b, mul(b, x, oneMinus), 2));
  }
  return x;
}

/** 1 / (1 + a) for a in (0, 1), Q0. */
export function oneOverOnePlusX(b: RawBits, a: number): number {
  const x = newtonRecipQ2(b, roundingHalfSum(b, a, one(b, 0)));
  // ExactMulByPot<-1> (Q2 -> Q1, same raw) then Rescale<0>: left shift by 1, saturating
  return srMulByPOT(b, x, 1);
}

/** (1 - a) / (1 + a) for a in (0, 1), Q0. */
export function oneMinusXOverOnePlusX(b: RawBits, a: number): number {
  const x = newtonRecipQ2(b, roundingHalfSum(b, a, one(b, 0)));
  return srMulByPOT(b, sub(b, x, one(b, 2)), 2);
}

/** gemmlowp::logistic of a raw value with `intBits` integer bits; result Q0 raw. */
export function logisticFixed(b: RawBits, a: number, intBits: number): number {
  if (a === 0) return constantsOf(b).half;
  const positive = a > 0;
  const absInput = positive ? a : neg(b, a);
  const rPos = oneOverOnePlusX(b, expOnNegativeValues(b, neg(b, absInput), intBits));
  return positive ? rPos : sub(b, one(b, 0), rPos);
}

/** gemmlowp::tanh of a raw value with `intBits` integer bits; result Q0 raw. */
export function tanhFixed(b: RawBits, a: number, intBits: number): number {
  if (a === 0) return 0;
  const negative = a < 0;
  const n = negative ? a : neg(b, a);
  // -tanh(n) for n <= 0: (1 - e^(2n)) / (1 + e^(2n)); ExactMulByPot<1> keeps the raw, one more integer bit
  const t = oneMinusXOverOnePlusX(b, expOnNegativeValues(b, n, intBits + 1));
  return negative ? neg(b, t) : t;
}
