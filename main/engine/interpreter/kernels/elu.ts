/**
 * ELU: x < 0 ? exp(x) - 1 : x.
 * float32: expm1 per element (Math.expm1 in double, rounded to float32; C's expm1f may differ in
 * the last ulp, well inside the 1e-5 relative float tolerance).
 * int8: TFLite's 256-entry lookup table (PopulateLookupTable), all in float32:
 *   deq = in_scale * (q - in_zp); t = deq < 0 ? expf(deq) - 1 : deq;
 *   out = clamp((int)(roundf(t * (1 / out_scale)) + out_zp)).
 * expf is computed as Math.exp rounded to float32; a C library expf is correctly rounded or
 * within 1 ulp, which can only change a code whose product lands exactly on a .5 tie.
 */
import { clamp, roundAwayFromZero } from '../../quant/math';
import type { Kernel } from '../types';
import { perTensor, sameDtypeElementwise } from './common/kernel-util';
import { applyCodeTable, applyFloat, buildCodeTable } from './common/unary-lut';

const f = Math.fround;

export function eluLutEntry(
  q: number,
  inScale: number,
  inZp: number,
  outScale: number,
  outZp: number,
): number {
  const inv = f(1 / f(outScale));
  const deq = f(f(inScale) * (q - inZp));
  const t = deq < 0 ? f(f(Math.exp(deq)) - 1) : deq;
  const rescaled = roundAwayFromZero(f(t * inv));
  return clamp(Math.trunc(f(rescaled + outZp)), -128, 127);
}

export const kernel: Kernel = {
  prepare(ctx) {
    const { input, output } = sameDtypeElementwise(ctx);
    if (input.dtype === 'float32')
      return () => applyFloat(input.data, output.data, (x) => (x < 0 ? Math.expm1(x) : x));
    if (input.dtype !== 'int8') return ctx.unsupported(`dtype ${input.dtype}`);
    const iq = perTensor(ctx, input, 'input');
    const oq = perTensor(ctx, output, 'output');
    const table = buildCodeTable('int8', (q) =>
      eluLutEntry(q, iq.scale, iq.zeroPoint, oq.scale, oq.zeroPoint),
    );
    return () => applyCodeTable(table, input.data, output.data);
  },
};
