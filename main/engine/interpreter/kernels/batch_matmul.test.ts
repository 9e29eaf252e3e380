import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { kernel } from './batch_matmul';

const run = (a: number[], as: number[], b: number[], bs: number[], options?: object) =>
  runKernel(kernel, {
    op: 'BATCH_MATMUL',
    inputs: [
      { dtype: 'float32', shape: as, data: a },
      { dtype: 'float32', shape: bs, data: b },
    ],
    outputs: [{ dtype: 'float32', shape: [] }],
    options,
  }).outputs[0];

describe('BATCH_MATMUL', () => {
  it('multiplies each batch (numpy.matmul values)', () => {
    // a = arange(12).reshape(2,2,3), b = arange(12).reshape(2,3,2): numpy gives these.
    const out = run([...Array(12).keys()], [2, 2, 3], [...Array(12).keys()], [2, 3, 2]);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(Array.from(out.data as Float32Array)).toEqual([10, 13, 28, 40, 172, 193, 244, 274]);
  });

  it('broadcasts batch dims and a lower-rank operand', () => {
    // a = arange(12).reshape(2,2,3), b = arange(6).reshape(3,2): numpy.matmul(a, b).
    const out = run([...Array(12).keys()], [2, 2, 3], [...Array(6).keys()], [3, 2]);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(Array.from(out.data as Float32Array)).toEqual([10, 13, 28, 40, 46, 67, 64, 94]);
  });

  it('adj_x and adj_y read the last two dims transposed', () => {
    // a = [[1,2],[3,4]], b = [[5,6],[7,8]]: aᵀ·bᵀ = [[23,31],[34,46]].
    const out = run([1, 2, 3, 4], [2, 2], [5, 6, 7, 8], [2, 2], { adjX: true, adjY: true });
    expect(Array.from(out.data as Float32Array)).toEqual([23, 31, 34, 46]);
  });

  it('refuses mismatched inner dims and integer operands', () => {
    expect(() => run([1, 2, 3], [1, 3], [1, 2], [2, 1])).toThrow(/inner dims differ/);
    expect(() =>
      runKernel(kernel, {
        op: 'BATCH_MATMUL',
        inputs: [
          { dtype: 'int8', shape: [1, 1], data: [1] },
          { dtype: 'int8', shape: [1, 1], data: [1] },
        ],
        outputs: [{ dtype: 'int8', shape: [] }],
      }),
    ).toThrow(/float32 only/);
  });
});
