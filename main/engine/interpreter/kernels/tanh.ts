/**
 * TANH: float32, int8 (output 1/128 @ 0; gemmlowp fixed-point reference method) and int16
 * (output 2^-15 @ 0; tanh(x) = 2·sigmoid(2x) - 1 on the interpolated sigmoid table). See
 * common/sigmoid.ts for the integer methods and their exactness.
 */
import { clamp, mbqm, rdbpot } from '../../quant/math';
import { tanhFixed } from '../../quant/fixedpoint';
import { numElements } from '../../tensor/dtype';
import { perTensor } from './common/kernel-util';
import {
  int16SigmoidParams,
  int8SigmoidParams,
  rescaleInt16Input,
  SIGMOID_TABLE_U16,
} from './common/sigmoid';
import type { Kernel, OpContext } from '../types';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const out = ctx.output(0);
    if (input.dtype !== out.dtype) ctx.unsupported('input and output dtypes differ');
    out.shape = [...input.shape];
    const n = numElements(input.shape);
    if (input.dtype === 'float32') {
      return () => {
        const x = input.data as Float32Array;
        const o = out.data as Float32Array;
        for (let k = 0; k < n; k++) o[k] = Math.tanh(x[k]);
      };
    }
    const qi = perTensor(ctx, input, 'input');
    const qo = perTensor(ctx, out, 'output');
    if (input.dtype === 'int8') {
      if (qo.zeroPoint !== 0 || Math.abs(qo.scale - 1 / 128) > 1e-3 / 128) {
        ctx.unsupported(
          `int8 output must have scale 1/128 and zero point 0 (got ${qo.scale}, ${qo.zeroPoint})`,
        );
      }
      const p = int8SigmoidParams(qi.scale, qi.zeroPoint);
      return () => {
        const x = input.data as Int8Array;
        const o = out.data as Int8Array;
        for (let k = 0; k < n; k++) {
          const v = x[k] - p.zeroPoint;
          if (v <= -p.radius) o[k] = -128;
          else if (v >= p.radius) o[k] = 127;
          else o[k] = clamp(rdbpot(tanhFixed(32, mbqm(v, p.multiplier, p.shift), 4), 24), -128, 127);
        }
      };
    }
    if (input.dtype === 'int16') {
      if (qi.zeroPoint !== 0 || qo.zeroPoint !== 0) ctx.unsupported('int16 TANH needs zero points 0');
      const p = int16SigmoidParams(ctx, qi.scale, qo.scale, true);
      const table = SIGMOID_TABLE_U16;
      return () => {
        const x = input.data as Int16Array;
        const o = out.data as Int16Array;
        for (let k = 0; k < n; k++) {
          const v = rescaleInt16Input(x[k], p);
          const abs = Math.abs(v);
          const uh = abs >>> 8;
          let r: number;
          if (uh >= 255) r = 0xffff * 256;
          else {
            const ua = table[uh];
            r = ua * 256 + (abs & 0xff) * (table[uh + 1] - ua);
          }
          r = v >= 0 ? r - 2 ** 23 + 128 : -r + 2 ** 23 + 127;
          o[k] = Math.floor(r / 256);
        }
      };
    }
    ctx.unsupported(`dtype ${input.dtype}`);
  },
};
