import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { describeConformance } from '../../../../test/support/conformance';
import { kernel, planStridedSlice, type StridedSliceSpec } from './strided_slice';

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

/** STRIDED_SLICE's options with every mask off. */
const NO_MASKS = {
  beginMask: 0,
  endMask: 0,
  ellipsisMask: 0,
  newAxisMask: 0,
  shrinkAxisMask: 0,
  offset: false,
};

function slice(
  shape: number[],
  begin: number[],
  end: number[],
  strides: number[],
  options: Partial<StridedSliceSpec> = {},
) {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = runKernel(kernel, {
    op: 'STRIDED_SLICE',
    options: { ...NO_MASKS, ...options },
    inputs: [
      { dtype: 'float32', shape, data: iota(n) },
      { dtype: 'int32', shape: [begin.length], data: begin },
      { dtype: 'int32', shape: [end.length], data: end },
      { dtype: 'int32', shape: [strides.length], data: strides },
    ],
    outputs: [{ dtype: 'float32', shape: [] }],
  });
  return { shape: r.outputs[0].shape, values: Array.from(r.outputs[0].data as Float32Array) };
}

describe('STRIDED_SLICE', () => {
  it('1-D positive and negative indices', () => {
    expect(slice([4], [1], [3], [1])).toEqual({ shape: [2], values: [1, 2] });
    expect(slice([4], [-3], [3], [1])).toEqual({ shape: [2], values: [1, 2] });
    expect(slice([4], [-5], [3], [1])).toEqual({ shape: [3], values: [0, 1, 2] }); // clamped
  });

  it('negative stride walks backwards; masks select the whole axis', () => {
    expect(slice([4], [-1], [-4], [-1])).toEqual({ shape: [3], values: [3, 2, 1] });
    expect(slice([4], [3], [0], [-1], { endMask: 1 })).toEqual({ shape: [4], values: [3, 2, 1, 0] });
    expect(slice([4], [5], [2], [-2], { beginMask: 1 })).toEqual({ shape: [1], values: [3] });
    expect(slice([5], [0], [5], [2])).toEqual({ shape: [3], values: [0, 2, 4] });
  });

  it('2-D with begin/end masks and shrink', () => {
    // [[0,1,2],[3,4,5]]
    expect(slice([2, 3], [1, 0], [2, 2], [1, 1], { beginMask: 1 })).toEqual({
      shape: [2, 2],
      values: [0, 1, 3, 4],
    });
    expect(slice([2, 3], [1, 0], [2, 2], [1, 1], { endMask: 2 })).toEqual({
      shape: [1, 3],
      values: [3, 4, 5],
    });
    expect(slice([2, 3], [1, -1], [2, 3], [1, 1], { shrinkAxisMask: 1 })).toEqual({
      shape: [1],
      values: [5],
    });
    expect(slice([2, 3], [-1, 0], [0, 3], [1, 1], { shrinkAxisMask: 3 })).toEqual({ shape: [], values: [3] });
    expect(slice([2, 3], [1, -1], [2, -4], [1, -1], { shrinkAxisMask: 1 })).toEqual({
      shape: [3],
      values: [5, 4, 3],
    });
  });

  it('ellipsis expands over the uncovered axes; new_axis inserts a 1', () => {
    // input [2,3,2] = 0..11; [..., 1] -> shape [2,3] taking odd elements
    expect(slice([2, 3, 2], [0, 1], [0, 2], [1, 1], { ellipsisMask: 1, shrinkAxisMask: 2 })).toEqual({
      shape: [2, 3],
      values: [1, 3, 5, 7, 9, 11],
    });
    // [newaxis, 0:1] on [2,2]
    expect(slice([2, 2], [0, 0], [0, 1], [1, 1], { newAxisMask: 1 })).toEqual({
      shape: [1, 1, 2],
      values: [0, 1],
    });
  });

  it('offset: end is relative to begin', () => {
    expect(slice([6], [2], [3], [1], { offset: true })).toEqual({ shape: [3], values: [2, 3, 4] });
    expect(slice([6], [-2], [1], [1], { offset: true })).toEqual({ shape: [1], values: [4] });
  });

  it('empty result when begin passes end', () => {
    expect(slice([4], [3], [1], [1])).toEqual({ shape: [0], values: [] });
  });

  it('plan rejects zero stride and out-of-range shrink', () => {
    const base = NO_MASKS;
    expect(() => planStridedSlice([4], { ...base, begin: [0], end: [4], strides: [0] })).toThrow(/zero/);
    expect(() =>
      planStridedSlice([4], { ...base, begin: [4], end: [5], strides: [1], shrinkAxisMask: 1 }),
    ).toThrow(/out of range/);
  });

  it('non-constant begin is refused in prepare', () => {
    expect(() =>
      runKernel(kernel, {
        op: 'STRIDED_SLICE',
        inputs: [
          { dtype: 'int8', shape: [4], data: [1, 2, 3, 4] },
          { dtype: 'int32', shape: [1], data: [0], isConst: false },
          { dtype: 'int32', shape: [1], data: [1] },
          { dtype: 'int32', shape: [1], data: [1] },
        ],
        outputs: [{ dtype: 'int8', shape: [] }],
      }),
    ).toThrow(/constant/);
  });

  describeConformance('strided_slice', kernel, 17);
});
