import { describe, expect, it } from 'vitest';
import { sliceAxis, sliceConst, slicePlan } from './slice-plan';

// Expected sizes are numpy's: len(np.arange(dim)[start:end:step]).
describe('ONNX Slice arithmetic', () => {
  it('clamps and counts like numpy', () => {
    expect(sliceAxis(10, 1, 1000, 1)).toEqual({ begin: 1, end: 10, step: 1, size: 9 });
    expect(sliceAxis(10, -3, -1, 1)).toEqual({ begin: 7, end: 9, step: 1, size: 2 });
    expect(sliceAxis(5, 20, 1, -2)).toEqual({ begin: 4, end: 1, step: -2, size: 2 });
    expect(sliceAxis(10, -1, -1000, -1)).toEqual({ begin: 9, end: -1, step: -1, size: 10 });
    expect(sliceAxis(20, 1000, 1000, 1).size).toBe(0);
  });

  it('slices a constant along listed axes', () => {
    const c = {
      dtype: 'int64' as const,
      dims: [2, 4],
      data: BigInt64Array.from([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]),
    };
    const out = sliceConst(c, slicePlan(c.dims, [1], [3], [0], [-2]));
    expect(out.dims).toEqual([2, 2]);
    expect(Array.from(out.data as BigInt64Array, Number)).toEqual([3, 1, 7, 5]);
  });
});
