/**
 * LOGISTIC: float32 (1 / (1 + e^-x) in double), int8 (output 1/256 @ -128; gemmlowp fixed-point
 * reference method) and int16 (output 2^-15 @ 0; interpolated sigmoid table). See
 * common/sigmoid.ts for the integer methods and their exactness.
 */
import { clamp, mbqm, rdbpot } from '../../quant/math';
import { logisticFixed } from '../../quant/fixedpoint';
import {
  prepareSigmoidFamily,
  rescaleInt16Input,
  SIGMOID_TABLE_U16,
  type SigmoidFamilyOp,
} from './common/sigmoid';
import type { Kernel } from '../types';

const LOGISTIC: SigmoidFamilyOp = {
  name: 'LOGISTIC',
  int8Output: { scale: 1 / 256, scaleText: '1/256', zeroPoint: -128 },
  allowShiftOne: false,
  float(x, o, n) {
    for (let k = 0; k < n; k++) o[k] = 1 / (1 + Math.exp(-x[k]));
  },
  int8(x, o, n, p) {
    for (let k = 0; k < n; k++) {
      const v = x[k] - p.zeroPoint;
      if (v <= -p.radius) o[k] = -128;
      else if (v >= p.radius) o[k] = 127;
      else {
        const q0 = logisticFixed(32, mbqm(v, p.multiplier, p.shift), 4);
        o[k] = clamp(rdbpot(q0, 23) - 128, -128, 127);
      }
    }
  },
  int16(x, o, n, p) {
    const table = SIGMOID_TABLE_U16;
    for (let k = 0; k < n; k++) {
      const v = rescaleInt16Input(x[k], p);
      const abs = Math.abs(v);
      const uh = abs >>> 9;
      let r: number;
      if (uh >= 255) r = 0x7fff * 1024;
      else {
        const ua = table[uh];
        r = ua * 512 + (abs & 0x1ff) * (table[uh + 1] - ua);
      }
      r = v >= 0 ? r + 512 : 2 ** 25 - r + 511;
      o[k] = Math.floor(r / 1024);
    }
  },
};

export const kernel: Kernel = {
  prepare: (ctx) => prepareSigmoidFamily(ctx, LOGISTIC),
};
