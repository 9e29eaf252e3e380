/**
 * MUL: float32, int32 (wrapping like C), and quantized int8/uint8/int16: (x1 - zp1) * (x2 - zp2)
 * rescaled by QuantizeMultiplier(s1 * s2 / s_out) computed in double, plus zp_out, clamped to the
 * fused activation range (reference MulElementwise). Broadcasting up to 6-D.
 */
import { activationRangeFloat, clamp, mbqm } from '../../quant/math';
import { prepareBinary } from './common/binary';
import {
  fusedActivation,
  int32ActivationRange,
  isQuantDtype,
  multiplierOf,
  perTensor,
  quantActivationRange,
} from './common/kernel-util';
import type { Kernel, OpContext } from '../types';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const a = ctx.input(0);
    const b = ctx.input(1);
    const out = ctx.output(0);
    if (a.dtype !== b.dtype || a.dtype !== out.dtype)
      ctx.unsupported('inputs and output must have the same dtype');
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
          const v = x[ia ? ia[k] : k] * y[ib ? ib[k] : k];
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
          const v = Math.imul(x[ia ? ia[k] : k], y[ib ? ib[k] : k]);
          o[k] = v < lo ? lo : v > hi ? hi : v;
        }
      };
    }
    if (!isQuantDtype(out.dtype)) ctx.unsupported(`dtype ${out.dtype}`);
    const qa = perTensor(ctx, a, 'input 0');
    const qb = perTensor(ctx, b, 'input 1');
    const qo = perTensor(ctx, out, 'output');
    if (out.dtype === 'int16' && (qa.zeroPoint !== 0 || qb.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
      ctx.unsupported('int16 tensors must have zero point 0');
    }
    const m = multiplierOf((qa.scale * qb.scale) / qo.scale);
    const [lo, hi] = quantActivationRange(act, out, qo);
    return () => {
      const x = a.data as Int8Array;
      const y = b.data as Int8Array;
      const o = out.data as Int8Array;
      for (let k = 0; k < n; k++) {
        // |product| <= 2^30 for int16 (zp 0) and 2^16 for 8-bit: fits int32.
        const p = (x[ia ? ia[k] : k] - qa.zeroPoint) * (y[ib ? ib[k] : k] - qb.zeroPoint);
        o[k] = clamp(mbqm(p, m.multiplier, m.shift) + qo.zeroPoint, lo, hi);
      }
    };
  },
};
