// Issue 3: LOGISTIC and TANH golden values per dtype (float vs float64; int8 against the real
// function rounded to the fixed output grid; exact anchor points; saturation).
import { describe, expect, it } from 'vitest';
import { UnsupportedOpError } from '../../errors';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import type { Kernel } from '../types';
import type { DType } from '../../tensor/dtype';
import { kernel as logistic } from './logistic';
import { kernel as tanh } from './tanh';

const q = quantParams;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function run(
  kernel: Kernel,
  op: 'LOGISTIC' | 'TANH',
  dtype: DType,
  data: number[],
  inQ: [number, number],
  outQ: [number, number],
) {
  const r = runKernel(kernel, {
    op,
    inputs: [{ dtype, shape: [data.length], data, quant: q(...inQ) }],
    outputs: [{ dtype, shape: [data.length], quant: q(...outQ) }],
  });
  return Array.from(r.outputs[0].data as Int16Array);
}

describe('LOGISTIC', () => {
  it('float32 matches float64 within 1e-7', () => {
    const xs = [-20, -3, -0.5, 0, 0.5, 3, 20];
    const r = runKernel(logistic, {
      op: 'LOGISTIC',
      inputs: [{ dtype: 'float32', shape: [7], data: xs }],
      outputs: [{ dtype: 'float32', shape: [7] }],
    });
    Array.from(r.outputs[0].data as Float32Array).forEach((v, i) =>
      expect(Math.abs(v - sigmoid(Math.fround(xs[i])))).toBeLessThan(1e-7),
    );
  });

  it('int8 (scale 0.1, zp 3): every input within 1 of round(256·σ) - 128, exact at 0 and saturated ends', () => {
    const xs = Array.from({ length: 256 }, (_, i) => i - 128);
    const got = run(logistic, 'LOGISTIC', 'int8', xs, [0.1, 3], [1 / 256, -128]);
    let exact = 0;
    xs.forEach((x, i) => {
      const want = Math.min(127, Math.round(256 * sigmoid((x - 3) * 0.1)) - 128);
      expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(1);
      if (got[i] === want) exact++;
    });
    expect(got[3 + 128]).toBe(0); // input == zero point -> 0.5 -> 0
    expect(got[0]).toBe(-128 + Math.round(256 * sigmoid(-13.1)));
    expect(got[255]).toBe(127);
    expect(exact).toBeGreaterThan(240);
  });

  it('int16 (scale 2^-12 power of two, and 1e-3 general): within 1 of round(32768·σ)', () => {
    for (const scale of [2 ** -12, 1e-3]) {
      const xs = Array.from({ length: 129 }, (_, i) => (i - 64) * 511);
      const got = run(logistic, 'LOGISTIC', 'int16', xs, [scale, 0], [2 ** -15, 0]);
      xs.forEach((x, i) =>
        expect(
          Math.abs(got[i] - Math.min(32767, Math.round(32768 * sigmoid(x * scale)))),
        ).toBeLessThanOrEqual(1),
      );
    }
  });

  it('refuses an int8 output that is not 1/256 @ -128', () => {
    expect(() => run(logistic, 'LOGISTIC', 'int8', [0], [0.1, 0], [1 / 128, 0])).toThrow(UnsupportedOpError);
  });
});

describe('TANH', () => {
  it('float32 matches Math.tanh', () => {
    const xs = [-5, -1, 0, 0.25, 2];
    const r = runKernel(tanh, {
      op: 'TANH',
      inputs: [{ dtype: 'float32', shape: [5], data: xs }],
      outputs: [{ dtype: 'float32', shape: [5] }],
    });
    Array.from(r.outputs[0].data as Float32Array).forEach((v, i) =>
      expect(Math.abs(v - Math.tanh(xs[i]))).toBeLessThan(1e-7),
    );
  });

  it('int8 (scale 0.05, zp -2): within 1 of round(128·tanh), exact 0 at the zero point, saturates', () => {
    const xs = Array.from({ length: 256 }, (_, i) => i - 128);
    const got = run(tanh, 'TANH', 'int8', xs, [0.05, -2], [1 / 128, 0]);
    xs.forEach((x, i) => {
      const want = Math.max(-128, Math.min(127, Math.round(128 * Math.tanh((x + 2) * 0.05))));
      expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(1);
    });
    expect(got[-2 + 128]).toBe(0);
    expect(got[255]).toBe(127);
    expect(got[0]).toBe(-128);
  });

  it('int16 (scale 2^-12): within 1 of round(32768·tanh), odd symmetry to within 1', () => {
    const xs = Array.from({ length: 129 }, (_, i) => (i - 64) * 500);
    const got = run(tanh, 'TANH', 'int16', xs, [2 ** -12, 0], [2 ** -15, 0]);
    xs.forEach((x, i) =>
      expect(
        Math.abs(got[i] - Math.min(32767, Math.round(32768 * Math.tanh(x * 2 ** -12)))),
      ).toBeLessThanOrEqual(1),
    );
    expect(got[64]).toBe(0);
    for (let i = 0; i < 64; i++) expect(Math.abs(got[i] + got[128 - i])).toBeLessThanOrEqual(1);
  });
});
