import { describe, expect, it } from 'vitest';
import { float32Const } from '../const-tensor';
import { dilateKernel } from './conv-transpose';

describe('ConvTranspose kernel dilation', () => {
  it('puts dilation - 1 zeros between taps', () => {
    const w = float32Const([1, 1, 2, 2], [1, 2, 3, 4]);
    const d = dilateKernel(w, [2, 3]);
    expect(d.dims).toEqual([1, 1, 3, 4]);
    expect(Array.from(d.data as Float32Array)).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4]);
    expect(dilateKernel(w, [1, 1])).toBe(w);
  });
});
