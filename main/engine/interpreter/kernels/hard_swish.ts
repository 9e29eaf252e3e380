/**
 * HARD_SWISH: x * relu6(x + 3) / 6.
 * float32: evaluated in float32 steps as the reference does: in * min(6, max(0, in + 3)) / 6.
 * int8/uint8: TFLite's fixed-point method (reference_ops::HardSwish) on int16 intermediates:
 *   the input is moved to a "hires" scale (x 2^7), one int16 multiplier maps it to the output
 *   scale, another maps it onto a [-1, 1] "reluish" scale where 3.0 = 32768 (saturating), which
 *   becomes a [0, 1] gate multiplied in with a non-rounding doubling high mul. Multipliers come
 *   from QuantizeMultiplier on float32 ratios, then are rounded down to int16
 *   (DownScaleInt32ToInt16Multiplier). Every int16 store wraps/saturates as in the C++.
 */
import { sdhm16, srdhm16 } from '../../quant/fixedpoint';
import { quantizeMultiplier } from '../../quant/math';
import type { Kernel } from '../types';
import { perTensor, sameDtypeElementwise } from './common/kernel-util';
import { applyCodeTable, applyFloat, buildCodeTable } from './common/unary-lut';
import { qRange } from '../../quant/math';

const f = Math.fround;
const I16_MIN = -32768;
const I16_MAX = 32767;

export { sdhm16, srdhm16 };

/** static_cast<int16_t>: wrap to 16 bits. */
const wrap16 = (x: number) => (x << 16) >> 16;

function saturatingLeftShift16(v: number, amount: number): number {
  const r = v * 2 ** amount;
  return r > I16_MAX ? I16_MAX : r < I16_MIN ? I16_MIN : r;
}

/** gemmlowp RoundingDivideByPOT (ties away from zero); exact for int16-range values. */
function rdbpot(x: number, e: number): number {
  if (e === 0) return x;
  const mask = (1 << e) - 1;
  const rem = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (rem > threshold ? 1 : 0);
}

/** tflite::DownScaleInt32ToInt16Multiplier. */
export function downScaleToInt16(m: number): number {
  if (m >= 2147483647 - 32768) return I16_MAX;
  return (m + 32768) >> 16;
}

export interface HardSwishParams {
  inZp: number;
  outZp: number;
  outputMultiplier16: number;
  outputExponent: number;
  reluishMultiplier16: number;
  reluishExponent: number;
}

export function hardSwishParams(
  inScale: number,
  inZp: number,
  outScale: number,
  outZp: number,
): HardSwishParams {
  const hires = f(f(1 / 128) * f(inScale));
  const reluishScale = f(3 / 32768);
  const om = quantizeMultiplier(f(hires / f(outScale)));
  const rm = quantizeMultiplier(f(hires / reluishScale));
  return {
    inZp,
    outZp,
    outputMultiplier16: downScaleToInt16(om.multiplier),
    outputExponent: om.shift,
    reluishMultiplier16: downScaleToInt16(rm.multiplier),
    reluishExponent: rm.shift,
  };
}

export function hardSwishQuantized(q: number, p: HardSwishParams, qmin: number, qmax: number): number {
  const inputValue = wrap16(q - p.inZp);
  const hires = wrap16(inputValue * 128);
  const preshiftOut = srdhm16(hires, p.outputMultiplier16);
  let reluish = hires;
  if (p.reluishExponent > 0) reluish = saturatingLeftShift16(reluish, p.reluishExponent - 1);
  reluish = srdhm16(reluish, p.reluishMultiplier16);
  if (p.reluishExponent > 0) reluish = saturatingLeftShift16(reluish, 1);
  if (p.reluishExponent < 0) reluish = rdbpot(reluish, -p.reluishExponent);
  reluish = wrap16((reluish + 32768) >> 1);
  const preshift = sdhm16(reluish, preshiftOut);
  let out = wrap16(rdbpot(preshift, -p.outputExponent));
  out = wrap16(out + p.outZp);
  return out > qmax ? qmax : out < qmin ? qmin : out;
}

export function hardSwishFloat(x: number): number {
  const r = f(x + 3);
  const relu6 = r < 0 ? 0 : r > 6 ? 6 : r;
  return f(f(x * relu6) / 6);
}

export const kernel: Kernel = {
  prepare(ctx) {
    const { input, output } = sameDtypeElementwise(ctx);
    if (input.dtype === 'float32') return () => applyFloat(input.data, output.data, hardSwishFloat);
    if (input.dtype !== 'int8' && input.dtype !== 'uint8') return ctx.unsupported(`dtype ${input.dtype}`);
    const iq = perTensor(ctx, input, 'input');
    const oq = perTensor(ctx, output, 'output');
    const p = hardSwishParams(iq.scale, iq.zeroPoint, oq.scale, oq.zeroPoint);
    // TFLite's prepare requires the output multiplier not to shift left.
    if (p.outputExponent > 0) ctx.unsupported(`output multiplier exponent ${p.outputExponent} > 0`);
    const [qmin, qmax] = qRange(input.dtype);
    const table = buildCodeTable(input.dtype, (q) => hardSwishQuantized(q, p, qmin, qmax));
    return () => applyCodeTable(table, input.data, output.data);
  },
};
