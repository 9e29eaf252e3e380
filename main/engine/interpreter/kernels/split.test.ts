import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { kernel as split } from './split';
import { kernel as unpack } from './unpack';
import { kernel as pack } from './pack';

const vals = (t: { data: unknown }) => Array.from(t.data as ArrayLike<number>);

describe('SPLIT / UNPACK / PACK', () => {
  it('SPLIT takes the axis from input 0 (negative allowed)', () => {
    const r = runKernel(split, {
      op: 'SPLIT',
      options: { numSplits: 2 },
      inputs: [
        { dtype: 'int32', shape: [], data: [-1], isConst: true },
        { dtype: 'float32', shape: [2, 4], data: [0, 1, 2, 3, 4, 5, 6, 7] },
      ],
      outputs: [
        { dtype: 'float32', shape: [] },
        { dtype: 'float32', shape: [] },
      ],
    });
    expect(r.outputs.map((o) => o.shape)).toEqual([
      [2, 2],
      [2, 2],
    ]);
    expect(r.outputs.map(vals)).toEqual([
      [0, 1, 4, 5],
      [2, 3, 6, 7],
    ]);
  });

  it('SPLIT refuses an uneven split', () => {
    expect(() =>
      runKernel(split, {
        op: 'SPLIT',
        options: { numSplits: 3 },
        inputs: [
          { dtype: 'int32', shape: [], data: [1], isConst: true },
          { dtype: 'float32', shape: [2, 4], data: [0, 1, 2, 3, 4, 5, 6, 7] },
        ],
        outputs: [
          { dtype: 'float32', shape: [] },
          { dtype: 'float32', shape: [] },
          { dtype: 'float32', shape: [] },
        ],
      }),
    ).toThrow(/does not split/);
  });

  it('UNPACK along axis 1 drops the axis', () => {
    const r = runKernel(unpack, {
      op: 'UNPACK',
      options: { num: 3, axis: 1 },
      inputs: [{ dtype: 'int8', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
      outputs: [
        { dtype: 'int8', shape: [] },
        { dtype: 'int8', shape: [] },
        { dtype: 'int8', shape: [] },
      ],
    });
    expect(r.outputs.map((o) => o.shape)).toEqual([[2], [2], [2]]);
    expect(r.outputs.map(vals)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('PACK along axis 0, 1 and -1', () => {
    const inputs = [
      { dtype: 'float32' as const, shape: [2], data: [1, 2] },
      { dtype: 'float32' as const, shape: [2], data: [3, 4] },
      { dtype: 'float32' as const, shape: [2], data: [5, 6] },
    ];
    const at = (axis: number) =>
      runKernel(pack, {
        op: 'PACK',
        options: { valuesCount: 3, axis },
        inputs,
        outputs: [{ dtype: 'float32', shape: [] }],
      }).outputs[0];
    expect(at(0).shape).toEqual([3, 2]);
    expect(vals(at(0))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(at(1).shape).toEqual([2, 3]);
    expect(vals(at(1))).toEqual([1, 3, 5, 2, 4, 6]);
    expect(vals(at(-1))).toEqual([1, 3, 5, 2, 4, 6]);
    expect(() => at(3)).toThrow(/axis/);
  });
});
