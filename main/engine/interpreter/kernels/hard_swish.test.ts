import { describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import {
  downScaleToInt16,
  hardSwishFloat,
  hardSwishParams,
  hardSwishQuantized,
  kernel,
  sdhm16,
  srdhm16,
} from './hard_swish';

const q = quantParams;
const hswish = (x: number) => (x * Math.min(6, Math.max(0, x + 3))) / 6;

describe('HARD_SWISH', () => {
  it('float32 golden values', () => {
    const r = runKernel(kernel, {
      op: 'HARD_SWISH',
      inputs: [{ dtype: 'float32', shape: [6], data: [-4, -3, -1, 0, 1, 3.5] }],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([
      -0,
      -0,
      Math.fround(-1 / 3),
      0,
      Math.fround(2 / 3),
      3.5,
    ]);
    expect(hardSwishFloat(-1)).toBe(Math.fround(-1 / 3));
  });

  it('int16 fixed-point helpers follow gemmlowp', () => {
    expect(srdhm16(-32768, -32768)).toBe(32767);
    expect(srdhm16(16384, 16384)).toBe(8192); // 0.5 * 0.5 = 0.25
    expect(srdhm16(3, 16384)).toBe(2); // 1.5 rounds away
    expect(srdhm16(-3, 16384)).toBe(-1); // gemmlowp's negative nudge is 1 - 2^14: -1.5 -> -1
    expect(sdhm16(3, 16384)).toBe(1); // truncates
    expect(sdhm16(-3, 16384)).toBe(-1);
    expect(downScaleToInt16(0x40000000)).toBe(16384);
    expect(downScaleToInt16(0x7fffffff)).toBe(32767);
    expect(downScaleToInt16(0x40008000)).toBe(16385); // +2^15 then >> 16 rounds half up
  });

  it('int8: exact at the saturated ends, within 1 of round(hswish(x)/s) everywhere', () => {
    // in/out scale 0.1: x >= 3 is the identity, x <= -3 gives 0.
    const p = hardSwishParams(0.1, 0, 0.1, 0);
    expect(p.outputExponent).toBeLessThanOrEqual(0);
    expect([30, 50, 127, -30, -64, -128].map((v) => hardSwishQuantized(v, p, -128, 127))).toEqual([
      30, 50, 127, 0, 0, 0,
    ]);
    let worst = 0;
    for (let v = -128; v <= 127; v++) {
      const ideal = Math.round(hswish(v * 0.1) / 0.1);
      worst = Math.max(worst, Math.abs(hardSwishQuantized(v, p, -128, 127) - ideal));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('uint8 through the kernel with asymmetric params', () => {
    // in scale 0.05 zp 128 (x in [-6.4, 6.35]); out scale 0.03 zp 20
    const data = Array.from({ length: 256 }, (_, i) => i);
    const r = runKernel(kernel, {
      op: 'HARD_SWISH',
      inputs: [{ dtype: 'uint8', shape: [256], data, quant: q(0.05, 128) }],
      outputs: [{ dtype: 'uint8', shape: [], quant: q(0.03, 20) }],
    });
    const out = r.outputs[0].data as Uint8Array;
    expect(out[0]).toBe(20); // x = -6.4 -> 0
    let worst = 0;
    for (let i = 0; i < 256; i++) {
      const ideal = Math.min(255, Math.max(0, Math.round(hswish((i - 128) * 0.05) / 0.03) + 20));
      worst = Math.max(worst, Math.abs(out[i] - ideal));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('refuses int16 (TFLite has no int16 HARD_SWISH)', () => {
    expect(() =>
      runKernel(kernel, {
        op: 'HARD_SWISH',
        inputs: [{ dtype: 'int16', shape: [1], data: [1], quant: q(1, 0) }],
        outputs: [{ dtype: 'int16', shape: [], quant: q(1, 0) }],
      }),
    ).toThrow(/int16/);
  });
});
