import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { kernel, MIRROR_REFLECT, MIRROR_SYMMETRIC } from './mirror_pad';

const pad = (mode: number, paddings: number[], dtype: 'float32' | 'int8' = 'float32') =>
  runKernel(kernel, {
    op: 'MIRROR_PAD',
    options: { mode },
    inputs: [
      { dtype, shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
      { dtype: 'int32', shape: [2, 2], data: paddings },
    ],
    outputs: [{ dtype, shape: [] }],
  }).outputs[0];

// Expected values from numpy.pad(x, ..., 'reflect' / 'symmetric'), the same definition TFLite's
// mirror_pad_test.cc uses.
describe('MIRROR_PAD', () => {
  it('REFLECT leaves the edge out', () => {
    const out = pad(MIRROR_REFLECT, [1, 1, 2, 2]);
    expect(out.shape).toEqual([4, 7]);
    expect(Array.from(out.data as Float32Array)).toEqual([
      6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1,
    ]);
  });

  it('SYMMETRIC repeats the edge, asymmetric padding', () => {
    const out = pad(MIRROR_SYMMETRIC, [1, 0, 2, 3], 'int8');
    expect(out.shape).toEqual([3, 8]);
    expect(Array.from(out.data as Int8Array)).toEqual([
      2, 1, 1, 2, 3, 3, 2, 1, 2, 1, 1, 2, 3, 3, 2, 1, 5, 4, 4, 5, 6, 6, 5, 4,
    ]);
  });

  it('refuses padding past what one reflection reaches', () => {
    expect(() => pad(MIRROR_REFLECT, [0, 0, 3, 0])).toThrow(/exceeds 2 for REFLECT/);
    expect(() => pad(MIRROR_SYMMETRIC, [0, 0, 4, 0])).toThrow(/exceeds 3 for SYMMETRIC/);
  });
});
