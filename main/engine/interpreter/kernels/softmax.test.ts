// Issue 3: SOFTMAX golden values (float vs float64; int8/int16 with TFLite Micro's own test
// settings: input scale 0.1, outputs 1/256 @ -128 (int8), 1/32768 @ 0 (int16), 1/65536 @ -32768).
import { describe, expect, it } from 'vitest';
import { UnsupportedOpError } from '../../errors';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import { kernel as softmax } from './softmax';

function ref(xs: number[], beta = 1): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp((x - m) * beta));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const q = quantParams;

describe('SOFTMAX', () => {
  it('float32 over the last axis matches float64 within 1e-6, with beta', () => {
    const x = [1, 2, 3, 4, 5, -1, 0, 1, 2, 30];
    const r = runKernel(softmax, {
      op: 'SOFTMAX',
      options: { beta: 0.5 },
      inputs: [{ dtype: 'float32', shape: [2, 5], data: x }],
      outputs: [{ dtype: 'float32', shape: [2, 5] }],
    });
    const want = [...ref(x.slice(0, 5), 0.5), ...ref(x.slice(5), 0.5)];
    const got = Array.from(r.outputs[0].data as Float32Array);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
  });

  it('int8 -> int8 equals round(softmax * 256) - 128 on TFLM test data (exact)', () => {
    const real = [1, 2, 3, 4, 5];
    const r = runKernel(softmax, {
      op: 'SOFTMAX',
      options: { beta: 1 },
      inputs: [{ dtype: 'int8', shape: [1, 5], data: real.map((v) => v / 0.1), quant: q(0.1, 0) }],
      outputs: [{ dtype: 'int8', shape: [1, 5], quant: q(1 / 256, -128) }],
    });
    const got = Array.from(r.outputs[0].data as Int8Array);
    // softmax = [0.01166, 0.03168, 0.08613, 0.23412, 0.63640]
    expect(got).toEqual([-125, -120, -106, -68, 35]);
    const want = ref(real).map((p) => Math.round(p * 256) - 128);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1));
  });

  it('int8 -> int8 saturates a dominant logit to 127 and far-below ones to -128', () => {
    const r = runKernel(softmax, {
      op: 'SOFTMAX',
      options: { beta: 1 },
      inputs: [{ dtype: 'int8', shape: [1, 3], data: [127, -128, 0], quant: q(0.5, 0) }],
      outputs: [{ dtype: 'int8', shape: [1, 3], quant: q(1 / 256, -128) }],
    });
    expect(Array.from(r.outputs[0].data as Int8Array)).toEqual([127, -128, -128]);
  });

  it('int8 -> int16 (zero point -32768, scale 1/65536) within 1 of the real softmax', () => {
    const real = [1, 2, 3, 4, 5];
    const r = runKernel(softmax, {
      op: 'SOFTMAX',
      options: { beta: 1 },
      inputs: [{ dtype: 'int8', shape: [5], data: real.map((v) => v / 0.1), quant: q(0.1, 0) }],
      outputs: [{ dtype: 'int16', shape: [5], quant: q(1 / 65536, -32768) }],
    });
    const got = Array.from(r.outputs[0].data as Int16Array);
    const want = ref(real).map((p) => Math.round(p * 65536) - 32768);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(2));
  });

  it('int16 -> int16 (LUT method) within TFLM tolerance 7 of round(softmax * 32768)', () => {
    const real = [1, 2, 3, 4, 5, 1, 1, 1, 1, 1];
    const r = runKernel(softmax, {
      op: 'SOFTMAX',
      options: { beta: 1 },
      inputs: [{ dtype: 'int16', shape: [2, 5], data: real.map((v) => v / 0.1), quant: q(0.1, 0) }],
      outputs: [{ dtype: 'int16', shape: [2, 5], quant: q(1 / 32768, 0) }],
    });
    const got = Array.from(r.outputs[0].data as Int16Array);
    const want = [...ref(real.slice(0, 5)), ...ref(real.slice(5))].map((p) => Math.round(p * 32768));
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(7));
  });

  it('refuses an int8 output with the wrong fixed parameters', () => {
    expect(() =>
      runKernel(softmax, {
        op: 'SOFTMAX',
        options: { beta: 1 },
        inputs: [{ dtype: 'int8', shape: [1, 2], data: [1, 2], quant: q(0.1, 0) }],
        outputs: [{ dtype: 'int8', shape: [1, 2], quant: q(1 / 128, 0) }],
      }),
    ).toThrow(UnsupportedOpError);
  });
});
