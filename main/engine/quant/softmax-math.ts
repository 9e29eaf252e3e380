/**
 * Helpers for TFLite's fixed-point softmax, logistic and tanh parameters: GetReciprocal and
 * CalculateInputRadius (tensorflow/lite/kernels/internal/common.h, quantization_util.cc).
 */
import { oneOverOnePlusX } from './fixedpoint';

/**
 * tflite GetReciprocal: 1/x for a positive int32 x with `xIntBits` integer bits, as a Q0.31
 * value plus the number of bits the true reciprocal exceeds one by (numBitsOverUnit).
 */
export function getReciprocal(x: number, xIntBits: number): { reciprocal: number; numBitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const numBitsOverUnit = xIntBits - headroomPlusOne;
  // (uint32(x) << headroom_plus_one) - 2^31, reinterpreted as int32
  const shiftedSumMinusOne = ((x << headroomPlusOne) - 2147483648) | 0;
  return { reciprocal: oneOverOnePlusX(32, shiftedSumMinusOne), numBitsOverUnit };
}

/** tflite CalculateInputRadius (double-precision form), floor of the largest safe |input|. */
export function calculateInputRadius(
  inputIntegerBits: number,
  inputLeftShift: number,
  totalSignedBits = 31,
): number {
  const max = ((2 ** inputIntegerBits - 1) * 2 ** (totalSignedBits - inputIntegerBits)) / 2 ** inputLeftShift;
  return Math.floor(max);
}
