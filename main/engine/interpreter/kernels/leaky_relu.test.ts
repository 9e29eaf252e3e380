import { describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import { describeConformance } from '../../../../test/support/conformance';
import { kernel, leakyReluParams, leakyReluQuantized } from './leaky_relu';

const q = quantParams;

describe('LEAKY_RELU', () => {
  it('float32: x for x > 0, alpha * x otherwise', () => {
    const r = runKernel(kernel, {
      op: 'LEAKY_RELU',
      options: { alpha: 0.5 },
      inputs: [{ dtype: 'float32', shape: [2, 3], data: [0, 1, 3, 1, -1, -2] }],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([0, 1, 3, 1, -0.5, -1]);
    expect(r.outputs[0].shape).toEqual([2, 3]);
  });

  it('int8 requantizes with separate identity and alpha multipliers (hand-computed)', () => {
    // in scale 0.5 zp 0, out scale 0.25 zp 10, alpha 0.5: identity x2, alpha x1.
    const r = runKernel(kernel, {
      op: 'LEAKY_RELU',
      options: { alpha: 0.5 },
      inputs: [{ dtype: 'int8', shape: [6], data: [0, 1, 50, 100, -1, -128], quant: q(0.5, 0) }],
      outputs: [{ dtype: 'int8', shape: [], quant: q(0.25, 10) }],
    });
    // 0->10, 1->12, 50->110, 100->210 saturates 127, -1->9, -128->-118
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([10, 12, 110, 127, 9, -118]);
  });

  it('int16 rounds half away from zero through MultiplyByQuantizedMultiplier', () => {
    // alpha 0.25 with equal scales: -1 * 0.25 -> -0.25 -> 0, -2 -> -0.5 -> -1 (away from zero), -6 -> -1.5 -> -2
    const p = leakyReluParams(1, 0, 1, 0, 0.25, [-32768, 32767]);
    expect([-1, -2, -6, 7, 32767, -32768].map((v) => leakyReluQuantized(v, p))).toEqual([
      0, -1, -2, 7, 32767, -8192,
    ]);
  });

  it('refuses int32 input', () => {
    expect(() =>
      runKernel(kernel, {
        op: 'LEAKY_RELU',
        options: { alpha: 0.1 },
        inputs: [{ dtype: 'int32', shape: [1], data: [1] }],
        outputs: [{ dtype: 'int32', shape: [] }],
      }),
    ).toThrow(/UNSUPPORTED|int32/i);
  });

  describeConformance('leaky_relu', kernel, 12);
});
