import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { intPow, kernel } from './pow';

describe('POW', () => {
  it('float32 equals numpy.power on float32', () => {
    const out = runKernel(kernel, {
      op: 'POW',
      inputs: [
        { dtype: 'float32', shape: [4], data: [2, -2, 0.5, 4] },
        { dtype: 'float32', shape: [4], data: [3, 2, -1, 0.5] },
      ],
      outputs: [{ dtype: 'float32', shape: [] }],
    }).outputs[0];
    expect(Array.from(out.data as Float32Array)).toEqual([8, 4, 2, 2]);
  });

  it('float32 broadcasts a scalar exponent', () => {
    const out = runKernel(kernel, {
      op: 'POW',
      inputs: [
        { dtype: 'float32', shape: [2, 2], data: [1, 2, 3, 4] },
        { dtype: 'float32', shape: [], data: [2] },
      ],
      outputs: [{ dtype: 'float32', shape: [] }],
    }).outputs[0];
    expect(out.shape).toEqual([2, 2]);
    expect(Array.from(out.data as Float32Array)).toEqual([1, 4, 9, 16]);
  });

  it('int32 multiplies; a negative exponent is an error', () => {
    expect(intPow(3, 5)).toBe(243);
    expect(intPow(-2, 3)).toBe(-8);
    expect(intPow(7, 0)).toBe(1);
    const run = (e: number) =>
      runKernel(kernel, {
        op: 'POW',
        inputs: [
          { dtype: 'int32', shape: [2], data: [2, 3] },
          { dtype: 'int32', shape: [1], data: [e] },
        ],
        outputs: [{ dtype: 'int32', shape: [] }],
      }).outputs[0];
    expect(Array.from(run(3).data as Int32Array)).toEqual([8, 27]);
    expect(() => run(-1)).toThrow(/negative int32 exponent/);
  });

  it('refuses int8', () => {
    expect(() =>
      runKernel(kernel, {
        op: 'POW',
        inputs: [
          { dtype: 'int8', shape: [1], data: [2] },
          { dtype: 'int8', shape: [1], data: [2] },
        ],
        outputs: [{ dtype: 'int8', shape: [] }],
      }),
    ).toThrow(/dtype int8/);
  });
});
