import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import type { Kernel } from '../types';
import { kernel as reduceMax } from './reduce_max';
import { kernel as reduceMin } from './reduce_min';
import { kernel as reduceProd } from './reduce_prod';

const x = [1, -2, 3, 4, 0.5, -6];
const run = (
  kernel: Kernel,
  op: 'REDUCE_MAX' | 'REDUCE_MIN' | 'REDUCE_PROD',
  axes: number[],
  keepDims: boolean,
) =>
  runKernel(kernel, {
    op,
    options: { keepDims },
    inputs: [
      { dtype: 'float32', shape: [2, 3], data: x },
      { dtype: 'int32', shape: [axes.length], data: axes },
    ],
    outputs: [{ dtype: 'float32', shape: [] }],
  }).outputs[0];

// Expected values: numpy's max / min / prod of [[1, -2, 3], [4, 0.5, -6]] over the same axes.
describe('REDUCE_MAX, REDUCE_MIN, REDUCE_PROD (float32)', () => {
  it('reduce one axis, with and without keep_dims', () => {
    const max = run(reduceMax, 'REDUCE_MAX', [1], false);
    expect(max.shape).toEqual([2]);
    expect(Array.from(max.data as Float32Array)).toEqual([3, 4]);
    const min = run(reduceMin, 'REDUCE_MIN', [0], true);
    expect(min.shape).toEqual([1, 3]);
    expect(Array.from(min.data as Float32Array)).toEqual([1, -2, -6]);
    expect(Array.from(run(reduceProd, 'REDUCE_PROD', [-1], false).data as Float32Array)).toEqual([-6, -12]);
  });

  it('reduce every axis', () => {
    expect(Array.from(run(reduceProd, 'REDUCE_PROD', [0, 1], false).data as Float32Array)).toEqual([72]);
    expect(Array.from(run(reduceMax, 'REDUCE_MAX', [1, 0], true).data as Float32Array)).toEqual([4]);
  });
});
