import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { kernel } from './slice';

const run = (shape: number[], begin: number[], size: number[], dtype: 'float32' | 'int8' = 'float32') => {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = runKernel(kernel, {
    op: 'SLICE',
    inputs: [
      { dtype, shape, data: Array.from({ length: n }, (_, i) => i) },
      { dtype: 'int32', shape: [begin.length], data: begin },
      { dtype: 'int32', shape: [size.length], data: size },
    ],
    outputs: [{ dtype, shape: [] }],
  });
  return { shape: r.outputs[0].shape, values: Array.from(r.outputs[0].data as ArrayLike<number>) };
};

describe('SLICE', () => {
  it('3-D slice with size -1 meaning "to the end"', () => {
    // [2,3,2] = 0..11; begin [1,1,0] size [1,-1,1] -> rows 1..2 of batch 1, first column: 8, 10
    expect(run([2, 3, 2], [1, 1, 0], [1, -1, 1])).toEqual({ shape: [1, 2, 1], values: [8, 10] });
  });
  it('int8 full copy and empty slice', () => {
    expect(run([4], [0], [4], 'int8')).toEqual({ shape: [4], values: [0, 1, 2, 3] });
    expect(run([4], [2], [0])).toEqual({ shape: [0], values: [] });
  });
  it('refuses out-of-range begin/size', () => {
    expect(() => run([4], [3], [2])).toThrow(/do not fit/);
    expect(() => run([4], [-1], [1])).toThrow(/do not fit/);
    expect(() => run([4, 1], [0], [1])).toThrow(/entries/);
  });
});
