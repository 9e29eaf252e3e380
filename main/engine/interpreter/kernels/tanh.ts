/**
 * TANH: float32, int8 (output 1/128 @ 0; gemmlowp fixed-point reference method) and int16
 * (output 2^-15 @ 0; tanh(x) = 2·sigmoid(2x) - 1 on the interpolated sigmoid table). See
 * common/sigmoid.ts for the integer methods and their exactness.
 */
import { clamp, mbqm, rdbpot } from '../../quant/math';
import { tanhFixed } from '../../quant/fixedpoint';
import {
  prepareSigmoidFamily,
  rescaleInt16Input,
  SIGMOID_TABLE_U16,
  type SigmoidFamilyOp,
} from './common/sigmoid';
import type { Kernel } from '../types';

const TANH: SigmoidFamilyOp = {
  name: 'TANH',
  int8Output: { scale: 1 / 128, scaleText: '1/128', zeroPoint: 0 },
  allowShiftOne: true,
  float(x, o, n) {
    for (let k = 0; k < n; k++) o[k] = Math.tanh(x[k]);
  },
  int8(x, o, n, p) {
    for (let k = 0; k < n; k++) {
      const v = x[k] - p.zeroPoint;
      if (v <= -p.radius) o[k] = -128;
      else if (v >= p.radius) o[k] = 127;
      else o[k] = clamp(rdbpot(tanhFixed(32, mbqm(v, p.multiplier, p.shift), 4), 24), -128, 127);
    }
  },
  int16(x, o, n, p) {
    const table = SIGMOID_TABLE_U16;
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
  },
};

export const kernel: Kernel = {
  prepare: (ctx) => prepareSigmoidFamily(ctx, TANH),
};
