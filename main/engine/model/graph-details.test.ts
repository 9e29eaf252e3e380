import { describe, expect, it } from 'vitest';
import { dequantize, histogram, listInWords, snakeCase } from './graph-details';

describe('histogram', () => {
  it('bins values into equal bins, the maximum in the last', () => {
    const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    expect(h.counts).toEqual([2, 2, 2, 2, 3]);
    expect(h).toMatchObject({
      count: 11,
      min: 0,
      max: 10,
      mean: 5,
      zeros: 1,
      nonFinite: 0,
      dequantized: false,
    });
    expect(h.std).toBeCloseTo(Math.sqrt(10), 12);
  });
  it('leaves NaN and infinities out and counts them', () => {
    const h = histogram([1, NaN, Infinity, -Infinity, 3], 2);
    expect(h).toMatchObject({ count: 2, nonFinite: 3, min: 1, max: 3, counts: [1, 1] });
  });
  it('one bin when every value is equal; none when there are no values', () => {
    expect(histogram([4, 4, 4], 10).counts).toEqual([3]);
    expect(histogram([], 10)).toMatchObject({ count: 0, counts: [], min: 0, max: 0 });
  });
});

describe('dequantize', () => {
  it('per tensor: scale × (q − zero point)', () => {
    expect([
      ...dequantize(Int8Array.from([-128, 0, 127]), [3], { scale: [0.5], zeroPoint: [-128], axis: 0 })!,
    ]).toEqual([0, 64, 127.5]);
  });
  it('per channel along the axis (here the last of [2, 3])', () => {
    const q = { scale: [1, 10, 100], zeroPoint: [0, 1, 2], axis: 1 };
    expect([...dequantize(Int8Array.from([1, 1, 1, 2, 2, 2]), [2, 3], q)!]).toEqual([1, 0, -100, 2, 10, 0]);
  });
  it('per channel along axis 0 of [3, 2]', () => {
    const q = { scale: [1, 2, 3], zeroPoint: [0, 0, 0], axis: 0 };
    expect([...dequantize(Int8Array.from([1, 1, 1, 1, 1, 1]), [3, 2], q)!]).toEqual([1, 1, 2, 2, 3, 3]);
  });
  it('does not guess when the scales do not match the axis', () => {
    expect(dequantize(Int8Array.from([1, 2]), [2], { scale: [1, 2, 3], zeroPoint: [0], axis: 0 })).toBeNull();
  });
});

describe('names and lists', () => {
  it("spells TFLite's option names as the schema does", () => {
    expect(snakeCase('strideW')).toBe('stride_w');
    expect(snakeCase('dilationWFactor')).toBe('dilation_w_factor');
    expect(snakeCase('fusedActivationFunction')).toBe('fused_activation_function');
  });
  it('lists at most 16 values', () => {
    expect(listInWords([1, 2n, 3])).toBe('[1, 2, 3]');
    expect(listInWords(Array.from({ length: 20 }, (_, i) => i))).toBe(
      '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, … (20 values)]',
    );
  });
});
