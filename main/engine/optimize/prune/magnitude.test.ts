import { describe, expect, it } from 'vitest';
import { smallestK, targetZeros, twoFourZeros } from './magnitude';

describe('smallestK', () => {
  it('picks the k smallest magnitudes; ties at the threshold go to the lowest index', () => {
    const mag = Float64Array.from([0.5, 0.1, 0.3, 0.1, 0.3, 0.9, 0.3]);
    expect(Array.from(smallestK(mag, 3))).toEqual([1, 2, 3]);
    expect(Array.from(smallestK(mag, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(smallestK(mag, 0))).toEqual([]);
    expect(Array.from(smallestK(mag, 9))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('targetZeros rounds half up and clamps', () => {
    expect(targetZeros(10, 0.25)).toBe(3);
    expect(targetZeros(10, 0.24)).toBe(2);
    expect(targetZeros(7, 0.5)).toBe(4);
    expect(targetZeros(5, 1.5)).toBe(5);
  });
});

describe('twoFourZeros', () => {
  it('keeps the two largest of every four along the row, a short tail keeps at most two', () => {
    // Rows of 6: groups [0..3] and a tail [4,5] (untouched).
    const mag = Float64Array.from([1, 4, 3, 2, 9, 8, 5, 5, 5, 1, 0, 7]);
    expect(Array.from(twoFourZeros(mag, 6))).toEqual([0, 3, 8, 9]);
    // Rows of 7: tail of three keeps two.
    const m7 = Float64Array.from([1, 2, 3, 4, 3, 1, 2]);
    expect(Array.from(twoFourZeros(m7, 7))).toEqual([0, 1, 5]);
  });
});
