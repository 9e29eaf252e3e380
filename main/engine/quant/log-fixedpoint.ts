/**
 * tflite's log_x_for_x_greater_than_or_equal_to_1 (kernels/internal/common.h) on int32 gemmlowp
 * fixed point, used by the integer LOG_SOFTMAX: log(x) = z_pow_2_adj * log(2) + a rational
 * approximation on the reduced argument r in [sqrt(1/2), 1), with the reciprocal from
 * one_over_one_plus_x_for_x_in_0_1. Every operation mirrors the C++ one: `*` is
 * SaturatingRoundingDoublingHighMul, `+`/`-` on FixedPoint wrap, SaturatingAddNonGemmlowp /
 * SaturatingSub saturate, Rescale rounds (right) or saturates (left).
 */
import { oneOverOnePlusX, srMulByPOT } from './fixedpoint';
import { rdbpot, srdhm } from './math';

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;
const wrap = (x: number) => x | 0;
const satAdd = (a: number, b: number) => Math.min(I32_MAX, Math.max(I32_MIN, a + b));
const satSub = (a: number, b: number) => Math.min(I32_MAX, Math.max(I32_MIN, a - b));

// Q0.31 constants from the reference.
const LOG_2 = 1488522236;
const SQRT_SQRT_HALF = 1805811301;
const SQRT_HALF = 1518500250;
const ONE_QUARTER = 536870912;
const ALPHA_N = 117049297;
const ALPHA_D = 127690142;
const ALPHA_I = 1057819769;
const ALPHA_F = 638450708;

/** gemmlowp RoundingHalfSum on int32: (a + b + sign(a + b)) / 2, truncated. */
function roundingHalfSum32(a: number, b: number): number {
  const sum = a + b;
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/**
 * log(x) for a raw int32 x with `inputIntBits` integer bits (x >= 1 in practice, down to 1/x_max),
 * returned as a raw int32 with `outputIntBits` integer bits.
 */
export function logXForXGreaterThanOrEqualTo1(
  raw: number,
  inputIntBits: number,
  outputIntBits: number,
): number {
  const accumIntBits = outputIntBits + 1;
  const shiftedQuarter = rdbpot(ONE_QUARTER, accumIntBits); // Rescale<accum>(F0)
  const zA = raw;
  const zAHeadroomPlus1 = Math.clz32(zA >>> 0);
  const rATmp = srMulByPOT(32, zA, zAHeadroomPlus1 - 1);
  const rARaw = srMulByPOT(32, srdhm(rATmp, SQRT_HALF), 1);
  const zAPow2Adj = satAdd(srMulByPOT(32, inputIntBits - zAHeadroomPlus1, 31 - accumIntBits), shiftedQuarter);
  const zB = srdhm(zA, SQRT_HALF);
  const zBHeadroom = Math.clz32(zB >>> 0) - 1;
  const rBRaw = srMulByPOT(32, zA, zBHeadroom);
  const zBPow2Adj = satSub(srMulByPOT(32, inputIntBits - zBHeadroom, 31 - accumIntBits), shiftedQuarter);
  const r = Math.min(rARaw, rBRaw);
  const zPow2Adj = Math.max(zAPow2Adj, zBPow2Adj);

  const p = roundingHalfSum32(r, SQRT_SQRT_HALF);
  let q = wrap(r - SQRT_SQRT_HALF);
  q = wrap(q + q);
  const commonSq = srdhm(q, q);
  const num = wrap(srdhm(q, r) + srdhm(srdhm(q, commonSq), ALPHA_N));
  const denomMinusOne = wrap(
    srdhm(p, wrap(wrap(ALPHA_I + q) + srdhm(ALPHA_D, commonSq))) + srdhm(ALPHA_F, q),
  );
  const recipDenom = oneOverOnePlusX(32, denomMinusOne);
  const numScaled = rdbpot(num, accumIntBits); // Rescale<accum>(F0)
  const sum = wrap(srdhm(zPow2Adj, LOG_2) + srdhm(numScaled, recipDenom));
  return srMulByPOT(32, sum, accumIntBits - outputIntBits); // Rescale<out>(F accum)
}
