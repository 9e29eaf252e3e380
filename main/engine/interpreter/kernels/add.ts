/**
 * ADD (and, through addLike, SUB): float32, int32, and quantized int8/uint8/int16 with TFLite's
 * general-scale reference arithmetic; fused activations; broadcasting up to 6-D.
 *
 * Quantized method (tflite add.cc / sub.cc prepare, reference AddElementwise): both inputs are
 * shifted left by `left_shift` (20 for 8-bit, 15 for int16) and rescaled to a common scale of
 * 2*max(s1, s2) with Q31 multipliers < 1, summed (or subtracted) in int32, and rescaled to the
 * output. Every step uses multiplyByQuantizedMultiplier's rounding. For int16, TFLite's
 * optional power-of-two-scale path is not used (TFLite Micro always takes the general path).
 */
import { clamp, mbqm } from '../../quant/math';
import { prepareBinary } from './common/binary';
import {
  fusedActivation,
  int32ActivationRange,
  isQuantDtype,
  multiplierOf,
  perTensor,
  quantActivationRange,
} from './common/kernel-util';
import { activationRangeFloat } from '../../quant/math';
import type { EvalFn, Kernel, OpContext } from '../types';

export function prepareAddLike(ctx: OpContext, sign: 1 | -1): EvalFn {
  const a = ctx.input(0);
  const b = ctx.input(1);
  const out = ctx.output(0);
  if (a.dtype !== b.dtype || a.dtype !== out.dtype) {
    ctx.unsupported('inputs and output must have the same dtype');
  }
  const act = fusedActivation(ctx);
  const { n, maps } = prepareBinary(ctx, a, b, out);
  const ia = maps ? maps[0] : null;
  const ib = maps ? maps[1] : null;

  if (out.dtype === 'float32') {
    const [lo, hi] = activationRangeFloat(act);
    return () => {
      const x = a.data as Float32Array;
      const y = b.data as Float32Array;
      const o = out.data as Float32Array;
      for (let k = 0; k < n; k++) {
        const v = x[ia ? ia[k] : k] + sign * y[ib ? ib[k] : k];
        o[k] = v < lo ? lo : v > hi ? hi : v;
      }
    };
  }
  if (out.dtype === 'int32') {
    const [lo, hi] = int32ActivationRange(act);
    return () => {
      const x = a.data as Int32Array;
      const y = b.data as Int32Array;
      const o = out.data as Int32Array;
      for (let k = 0; k < n; k++) {
        const v = (x[ia ? ia[k] : k] + sign * y[ib ? ib[k] : k]) | 0; // int32 wraps like C
        o[k] = v < lo ? lo : v > hi ? hi : v;
      }
    };
  }
  if (!isQuantDtype(out.dtype)) ctx.unsupported(`dtype ${out.dtype}`);
  if (out.dtype !== 'int16') {
    const { table, base } = add8Table(ctx, sign);
    return () => {
      const x = a.data as Int8Array;
      const y = b.data as Int8Array;
      const o = out.data as Int8Array;
      if (!ia && !ib) {
        for (let k = 0; k < n; k++) o[k] = table[((x[k] - base) << 8) | (y[k] - base)];
        return;
      }
      for (let k = 0; k < n; k++)
        o[k] = table[((x[ia ? ia[k] : k] - base) << 8) | (y[ib ? ib[k] : k] - base)];
    };
  }
  const { offA, offB, offO, pow, m1, m2, mo, lo, hi } = addQuant(ctx, sign);
  return () => {
    const x = a.data as Int16Array;
    const y = b.data as Int16Array;
    const o = out.data as Int16Array;
    for (let k = 0; k < n; k++) {
      const s1 = mbqm((x[ia ? ia[k] : k] + offA) * pow, m1.multiplier, m1.shift);
      const s2 = mbqm((y[ib ? ib[k] : k] + offB) * pow, m2.multiplier, m2.shift);
      const raw = mbqm(sign > 0 ? s1 + s2 : s1 - s2, mo.multiplier, mo.shift) + offO;
      o[k] = clamp(raw, lo, hi);
    }
  };
}

/** The quantized ADD/SUB parameters (prepare of tflite add.cc / sub.cc), checked. */
function addQuant(ctx: OpContext, sign: 1 | -1) {
  const a = ctx.input(0);
  const b = ctx.input(1);
  const out = ctx.output(0);
  const act = fusedActivation(ctx);
  const qa = perTensor(ctx, a, 'input 0');
  const qb = perTensor(ctx, b, 'input 1');
  const qo = perTensor(ctx, out, 'output');
  if (out.dtype === 'int16' && (qa.zeroPoint !== 0 || qb.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
    ctx.unsupported('int16 tensors must have zero point 0');
  }
  const leftShift = out.dtype === 'int16' ? 15 : 20;
  // Real multipliers as the reference prepare computes them: ADD in double precision; SUB
  // (TFLite Micro's sub_common.cc, which produced the 16x8 goldens) in float32.
  const twiceMax = 2 * Math.max(qa.scale, qb.scale);
  const f = sign > 0 ? (v: number) => v : Math.fround;
  const m1 = multiplierOf(f(qa.scale / twiceMax));
  const m2 = multiplierOf(f(qb.scale / twiceMax));
  const mo = multiplierOf(f(twiceMax / f(2 ** leftShift * qo.scale)));
  if (m1.shift > 0 || m2.shift > 0 || mo.shift > 0)
    ctx.unsupported('input/output scales need a multiplier above 1');
  const [lo, hi] = quantActivationRange(act, out, qo);
  const offA = -qa.zeroPoint;
  const offB = -qb.zeroPoint;
  const offO = qo.zeroPoint;
  const pow = 2 ** leftShift; // (x + off) * 2^left fits int32: |x + off| <= 2^16 for int16 (zp 0: 2^15), 2^8 else
  return { offA, offB, offO, pow, m1, m2, mo, lo, hi };
}

/**
 * 8-bit ADD/SUB as a table: output[(x - base) << 8 | (y - base)] for the input bytes x, y (base
 * -128 for int8, 0 for uint8), every entry the reference arithmetic's result.
 */
export function add8Table(ctx: OpContext, sign: 1 | -1): { table: Int8Array | Uint8Array; base: number } {
  const out = ctx.output(0);
  const { offA, offB, offO, pow, m1, m2, mo, lo, hi } = addQuant(ctx, sign);
  // 8-bit inputs: each operand's rescaled value depends on its byte only, so tabulate the
  // 256 values once (the same mbqm results, one multiply per element left in eval).
  const base = out.dtype === 'uint8' ? 0 : -128;
  const tabA = new Int32Array(256);
  const tabB = new Int32Array(256);
  for (let v = 0; v < 256; v++) {
    tabA[v] = mbqm((base + v + offA) * pow, m1.multiplier, m1.shift);
    tabB[v] = mbqm((base + v + offB) * pow, m2.multiplier, m2.shift);
  }
  // Then every output depends on the two input bytes only: a 64 KiB table of the 65,536
  // results (the same arithmetic, done once at prepare), one lookup per element in eval.
  const table = out.dtype === 'uint8' ? new Uint8Array(65536) : new Int8Array(65536);
  for (let va = 0; va < 256; va++)
    for (let vb = 0; vb < 256; vb++) {
      const s1 = tabA[va];
      const s2 = tabB[vb];
      const raw = mbqm(sign > 0 ? s1 + s2 : s1 - s2, mo.multiplier, mo.shift) + offO;
      table[(va << 8) | vb] = raw < lo ? lo : raw > hi ? hi : raw; // in [lo, hi]: an 8-bit value
    }
  return { table, base };
}

export const kernel: Kernel = {
  prepare: (ctx) => prepareAddLike(ctx, 1),
};
