import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import type { DType } from '../../tensor/dtype';
import { kernel as bilinear } from './resize_bilinear';
import { nearestIndex } from '../../tflite/resize-sampling';
import { kernel as nearest } from './resize_nearest_neighbor';

const q = { scale: [0.5], zeroPoint: [0], axis: 0 };

function resize(
  k: typeof nearest,
  op: 'RESIZE_BILINEAR' | 'RESIZE_NEAREST_NEIGHBOR',
  dtype: DType,
  shape: number[],
  data: number[],
  size: number[],
  options: any = {},
) {
  const quant = dtype === 'float32' ? null : q;
  const r = runKernel(k, {
    op,
    options: { alignCorners: false, halfPixelCenters: false, ...options },
    inputs: [
      { dtype, shape, data, quant },
      { dtype: 'int32', shape: [2], data: size },
    ],
    outputs: [{ dtype, shape: [], quant }],
  });
  return { shape: r.outputs[0].shape, values: Array.from(r.outputs[0].data as ArrayLike<number>) };
}

describe('RESIZE_NEAREST_NEIGHBOR', () => {
  it('source indices for the three modes', () => {
    expect([0, 1, 2, 3].map((i) => nearestIndex(i, 2, 4, false, false))).toEqual([0, 0, 1, 1]);
    expect([0, 1, 2].map((i) => nearestIndex(i, 2, 3, true, false))).toEqual([0, 1, 1]); // 0.5 rounds away
    expect([0, 1, 2, 3].map((i) => nearestIndex(i, 2, 4, false, true))).toEqual([0, 0, 1, 1]);
    expect([0, 1].map((i) => nearestIndex(i, 3, 2, false, true))).toEqual([0, 2]); // 0.75 -> 0, 2.25 -> 2
  });
  it('2x2 -> 3x3 int8 with align_corners', () => {
    expect(
      resize(nearest, 'RESIZE_NEAREST_NEIGHBOR', 'int8', [1, 2, 2, 1], [1, 2, 3, 4], [3, 3], {
        alignCorners: true,
      }),
    ).toEqual({
      shape: [1, 3, 3, 1],
      values: [1, 2, 2, 3, 4, 4, 3, 4, 4],
    });
  });
});

describe('RESIZE_BILINEAR', () => {
  it('float32 horizontal resize [3, 6] -> 3 wide (TFLite documented case)', () => {
    expect(resize(bilinear, 'RESIZE_BILINEAR', 'float32', [1, 1, 2, 1], [3, 6], [1, 3]).values).toEqual([
      3, 5, 6,
    ]);
  });
  it('2x2 -> 3x3 in float32, int8 and uint8 (TFLite TwoDimensionalResize: 3,5,6 / 7,9,10 / 9,11,12)', () => {
    for (const dtype of ['float32', 'int8', 'uint8'] as const)
      expect(resize(bilinear, 'RESIZE_BILINEAR', dtype, [1, 2, 2, 1], [3, 6, 9, 12], [3, 3]).values).toEqual([
        3, 5, 6, 7, 9, 10, 9, 11, 12,
      ]);
  });
  it('float32 2x2 -> 3x3 with align_corners interpolates the midpoints', () => {
    expect(
      resize(bilinear, 'RESIZE_BILINEAR', 'float32', [1, 2, 2, 1], [1, 2, 3, 4], [3, 3], {
        alignCorners: true,
      }),
    ).toEqual({
      shape: [1, 3, 3, 1],
      values: [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4],
    });
  });
  it('float32 half-pixel centers 2 -> 4', () => {
    // positions (i + 0.5) * 0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25; at -0.25 both neighbours clamp
    // to index 0 (no extrapolation), at 1.25 both to index 1
    const r = resize(bilinear, 'RESIZE_BILINEAR', 'float32', [1, 1, 2, 1], [0, 4], [1, 4], {
      halfPixelCenters: true,
    });
    expect(r.values).toEqual([0, 1, 3, 4]);
  });
  it('int8 uses the integer method: [3, 6] -> [3, 5, 6], and rounds half away from zero', () => {
    expect(resize(bilinear, 'RESIZE_BILINEAR', 'int8', [1, 1, 2, 1], [3, 6], [1, 3]).values).toEqual([
      3, 5, 6,
    ]);
    // [-3, 0] -> 4 wide: x=1 sits at 0.5 -> -1.5 -> -2; x=3 clamps to the last value
    expect(resize(bilinear, 'RESIZE_BILINEAR', 'int8', [1, 1, 2, 1], [-3, 0], [1, 4]).values).toEqual([
      -3, -2, 0, 0,
    ]);
  });
  it('uint8 adds 0.5 and truncates', () => {
    expect(resize(bilinear, 'RESIZE_BILINEAR', 'uint8', [1, 1, 2, 1], [3, 4], [1, 4]).values).toEqual([
      3, 4, 4, 4,
    ]);
  });
  it('refuses align_corners with half_pixel_centers and non-4-D input', () => {
    expect(() =>
      resize(bilinear, 'RESIZE_BILINEAR', 'float32', [1, 1, 2, 1], [3, 6], [1, 3], {
        alignCorners: true,
        halfPixelCenters: true,
      }),
    ).toThrow(/together/);
    expect(() => resize(bilinear, 'RESIZE_BILINEAR', 'float32', [2, 1], [3, 6], [1, 3])).toThrow(/rank 2/);
  });
});
