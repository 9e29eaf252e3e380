import { describe, expect, it } from 'vitest';
import {
  PADDING_SAME,
  PADDING_VALID,
  computeOutSize,
  computePaddingHeightWidth,
  computePaddingWithOffset,
} from './padding';

describe('TFLite window geometry (kernels/padding.h)', () => {
  it('SAME: ceil(in / stride); VALID: floor((in - effective + stride) / stride)', () => {
    expect(computeOutSize(PADDING_SAME, 224, 3, 2, 1)).toBe(112);
    expect(computeOutSize(PADDING_VALID, 224, 3, 2, 1)).toBe(111);
    expect(computeOutSize(PADDING_SAME, 7, 7, 1, 1)).toBe(7);
    expect(computeOutSize(PADDING_VALID, 7, 7, 1, 1)).toBe(1);
    // dilation 2 makes a 3-tap filter span 5
    expect(computeOutSize(PADDING_VALID, 10, 3, 1, 2)).toBe(6);
  });
  it('padding is the floor half of the total; the odd one goes after (offset)', () => {
    expect(computePaddingWithOffset(2, 1, 224, 3, 112)).toEqual({ padding: 0, offset: 1 });
    expect(computePaddingWithOffset(1, 1, 5, 3, 5)).toEqual({ padding: 1, offset: 0 });
    expect(computePaddingWithOffset(1, 1, 4, 4, 4)).toEqual({ padding: 1, offset: 1 });
    expect(computePaddingWithOffset(1, 2, 5, 3, 5)).toEqual({ padding: 2, offset: 0 });
    // VALID windows need no padding: the total is clamped at 0
    expect(computePaddingWithOffset(2, 1, 224, 3, 111)).toEqual({ padding: 0, offset: 0 });
  });
  it('both axes, and invalid arguments give null', () => {
    expect(computePaddingHeightWidth(2, 1, 1, 1, 9, 6, 3, 2, PADDING_SAME)).toEqual({
      outHeight: 5,
      outWidth: 6,
      padHeight: 1,
      padWidth: 0,
      padHeightOffset: 0,
      padWidthOffset: 1,
    });
    expect(computeOutSize(PADDING_VALID, 2, 3, 1, 1)).toBe(0);
    expect(computeOutSize(PADDING_VALID, 1, 5, 1, 1)).toBeNull();
    expect(computeOutSize(PADDING_SAME, 4, 3, 0, 1)).toBeNull();
    expect(computeOutSize(7, 4, 3, 1, 1)).toBeNull();
    expect(computePaddingHeightWidth(1, 1, 0, 1, 4, 4, 3, 3, PADDING_SAME)).toBeNull();
  });
});
