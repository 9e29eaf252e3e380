/**
 * DIV with broadcasting and fused activation.
 *  - float32: IEEE division (a float32 quotient of float32 values equals the double quotient
 *    rounded to float32), then the activation clamp.
 *  - int32: C++ integer division (truncating toward zero), then the int32 activation clamp; a
 *    zero divisor throws InvalidArgumentError at eval instead of producing garbage.
 *  - uint8 / int8: reference_ops::DivElementwise. Per element, with v1 = q1 - zp1, v2 = q2 - zp2
 *    (signs flipped together so v2 > 0): 1/v2 = GetReciprocal(v2, 31) (gemmlowp Newton-Raphson),
 *    headroom = CountLeadingSignBits(v1), quotient = SRDHM(v1 << headroom, 1/v2), then
 *    out = zp_out + RDBPOT(SRDHM(quotient, m), -(s - recip_shift - headroom)), clamped to the
 *    fused activation range. m, s = QuantizeMultiplier(float(s1 / float(s2 * s_out))).
 *    A zero divisor (v2 == 0) throws InvalidArgumentError at eval.
 */
import { InvalidArgumentError } from '../../errors';
import { activationRangeFloat, quantizeMultiplier, rdbpot, srdhm } from '../../quant/math';
import { getReciprocal } from '../../quant/softmax-math';
import { broadcastOperands } from './common/broadcast';
import { fusedActivation, int32ActivationRange, perTensor, quantActivationRange } from './common/kernel-util';
import type { Kernel } from '../types';

export interface QuantDivParams {
  zp1: number;
  zp2: number;
  zpOut: number;
  multiplier: number;
  shift: number;
  lo: number;
  hi: number;
}

/** CountLeadingSignBits for int32 (__builtin_clrsb; 31 for zero). */
export function countLeadingSignBits(x: number): number {
  return x >= 0 ? Math.clz32(x) - 1 : Math.clz32(~x) - 1;
}

/** One element of reference_ops::DivElementwise (quantized); null for a zero divisor. */
export function quantizedDiv(q1: number, q2: number, p: QuantDivParams): number | null {
  let v1 = q1 - p.zp1;
  let v2 = q2 - p.zp2;
  if (v2 === 0) return null;
  if (v2 < 0) {
    v1 = -v1;
    v2 = -v2;
  }
  const { reciprocal, numBitsOverUnit } = getReciprocal(v2, 31);
  const headroom = countLeadingSignBits(v1);
  const unscaled = srdhm((v1 * 2 ** headroom) | 0, reciprocal); // MultiplyByQuantizedMultiplierGreaterThanOne
  const totalShift = p.shift - numBitsOverUnit - headroom;
  const r = p.zpOut + rdbpot(srdhm(unscaled, p.multiplier), -totalShift);
  return r < p.lo ? p.lo : r > p.hi ? p.hi : r;
}

export const kernel: Kernel = {
  prepare(ctx) {
    const a = ctx.input(0);
    const b = ctx.input(1);
    const output = ctx.output(0);
    if (b.dtype !== a.dtype || output.dtype !== a.dtype)
      ctx.invalid(`dtypes differ: ${a.dtype}, ${b.dtype}, ${output.dtype}`);
    if (!['float32', 'int32', 'uint8', 'int8'].includes(a.dtype)) return ctx.unsupported(`dtype ${a.dtype}`);
    const act = fusedActivation(ctx);
    const [ia, ib] = broadcastOperands(ctx, a, b, output);
    if (a.dtype === 'float32') {
      const [lo, hi] = activationRangeFloat(act);
      return () => {
        const x = a.data as Float32Array;
        const y = b.data as Float32Array;
        const o = output.data as Float32Array;
        for (let i = 0; i < ia.length; i++) {
          const v = x[ia[i]] / y[ib[i]];
          o[i] = v < lo ? lo : v > hi ? hi : v;
        }
      };
    }
    if (a.dtype === 'uint8' || a.dtype === 'int8') {
      const q1 = perTensor(ctx, a, 'input 1');
      const q2 = perTensor(ctx, b, 'input 2');
      const qo = perTensor(ctx, output, 'output');
      const f = Math.fround;
      const m = quantizeMultiplier(f(f(q1.scale) / f(f(q2.scale) * f(qo.scale))));
      // Keeps every per-element total shift a right shift (|v1| <= 255 has >= 23 sign bits).
      if (m.shift > 20) ctx.unsupported(`output multiplier shift ${m.shift} is too large`);
      const [qlo, qhi] = quantActivationRange(act, output, qo);
      const p: QuantDivParams = {
        zp1: q1.zeroPoint,
        zp2: q2.zeroPoint,
        zpOut: qo.zeroPoint,
        multiplier: m.multiplier,
        shift: m.shift,
        lo: qlo,
        hi: qhi,
      };
      return () => {
        const x = a.data as Uint8Array | Int8Array;
        const y = b.data as Uint8Array | Int8Array;
        const o = output.data as Uint8Array | Int8Array;
        for (let i = 0; i < ia.length; i++) {
          const v = quantizedDiv(x[ia[i]], y[ib[i]], p);
          if (v === null)
            throw new InvalidArgumentError(`DIV (operator ${ctx.opIndex}): quantized division by zero`);
          o[i] = v;
        }
      };
    }
    const [lo, hi] = int32ActivationRange(act);
    return () => {
      const x = a.data as Int32Array;
      const y = b.data as Int32Array;
      const o = output.data as Int32Array;
      for (let i = 0; i < ia.length; i++) {
        const d = y[ib[i]];
        if (d === 0)
          throw new InvalidArgumentError(`DIV (operator ${ctx.opIndex}): integer division by zero`);
        const v = Math.trunc(x[ia[i]] / d) | 0; // INT32_MIN / -1 wraps as on two's-complement hardware
        o[i] = v < lo ? lo : v > hi ? hi : v;
      }
    };
  },
};
