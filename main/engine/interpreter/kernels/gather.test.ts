import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { kernel } from './gather';

const gather = (
  params: { shape: number[]; data: number[] },
  indices: { shape: number[]; data: number[] },
  options: any,
) => {
  const r = runKernel(kernel, {
    op: 'GATHER',
    options,
    inputs: [
      { dtype: 'float32', ...params, isConst: true },
      { dtype: 'int32', ...indices, isConst: false },
    ],
    outputs: [{ dtype: 'float32', shape: [] }],
  });
  return { shape: r.outputs[0].shape, values: Array.from(r.outputs[0].data as Float32Array) };
};

describe('GATHER', () => {
  const p = { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] };
  it('axis 0 with 2-D indices', () => {
    expect(gather(p, { shape: [2, 2], data: [2, 0, 1, 1] }, { axis: 0 })).toEqual({
      shape: [2, 2, 2],
      values: [5, 6, 1, 2, 3, 4, 3, 4],
    });
  });
  it('axis 1 (and -1)', () => {
    expect(gather(p, { shape: [3], data: [1, 1, 0] }, { axis: 1 })).toEqual({
      shape: [3, 3],
      values: [2, 2, 1, 4, 4, 3, 6, 6, 5],
    });
    expect(gather(p, { shape: [1], data: [1] }, { axis: -1 }).values).toEqual([2, 4, 6]);
  });
  it('batch_dims 1 picks per-batch rows', () => {
    // params [2,3]: batch 0 [10,11,12], batch 1 [20,21,22]; indices [[2,0],[1,1]]
    expect(
      gather(
        { shape: [2, 3], data: [10, 11, 12, 20, 21, 22] },
        { shape: [2, 2], data: [2, 0, 1, 1] },
        { axis: 1, batchDims: 1 },
      ),
    ).toEqual({ shape: [2, 2], values: [12, 10, 21, 21] });
  });
  it('out-of-range index is an InvalidArgumentError at eval', () => {
    expect(() => gather(p, { shape: [1], data: [3] }, { axis: 0 })).toThrow(/outside \[0, 3\)/);
    expect(() => gather(p, { shape: [1], data: [-1] }, { axis: 0 })).toThrow(/outside/);
  });
});
