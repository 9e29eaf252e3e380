/**
 * Issue 16 (item 2): a calibration histogram is every value seen binned at the final range,
 * whatever the order the observations arrive in or how they are grouped (per-sample summaries
 * merged on another thread), so parallel calibration gives the bits of one thread. The edge cases
 * are the ones where growing the range used to depend on order: a value equal to a power-of-two
 * range, tiny values next to a large range, all-zero and NaN observations.
 */
import { describe, expect, it } from 'vitest';
import { BINS, Histogram, summarizeHistogram } from './histogram';

const observations = [
  Float32Array.of(0, 0, 0), // all zeros: range 0
  Float32Array.of(1, 0.5, -0.25, 1), // max exactly 1 = its own range
  Float32Array.of(-1e-30, 3e-38, -0.75, NaN), // tiny values, a NaN
  Float32Array.of(3, -2, 2), // the range grows to 4 (2 sits on the old range's top edge)
  Float32Array.of(Infinity, 1), // non-finite: ignored whole
  Float32Array.of(-4, 4, 0.001, -1e-20), // both ends of the final range
  Float32Array.of(0.3, -0.3, 1.5),
];

/** The bins of every finite value at range R, straight from the definition. */
function binnedAt(range: number): Float64Array {
  const out = new Float64Array(BINS);
  for (const o of observations) {
    if (o.some((v) => v === Infinity || v === -Infinity)) continue;
    for (const v of o) {
      if (Number.isNaN(v)) continue;
      out[Math.min(BINS - 1, Math.max(0, BINS / 2 + Math.floor((v * BINS) / (2 * range))))]++;
    }
  }
  return out;
}

const permutations = [
  [0, 1, 2, 3, 4, 5, 6],
  [6, 5, 4, 3, 2, 1, 0],
  [3, 1, 5, 0, 6, 2, 4],
  [5, 0, 1, 2, 3, 4, 6],
];

describe('Histogram', () => {
  it('is the values binned at the final range, in any order, added or merged', () => {
    const want = binnedAt(4);
    const states = permutations.flatMap((order) => {
      const added = new Histogram();
      for (const k of order) added.add(observations[k]!);
      // Per-observation summaries merged into one, as the parent does with a pool's results.
      const merged = new Histogram();
      for (const k of order) {
        const s = summarizeHistogram(observations[k]!);
        if (s) merged.merge(s);
      }
      return [added, merged];
    });
    for (const h of states) {
      expect(h.range).toBe(4);
      expect(Array.from(h.counts)).toEqual(Array.from(want));
      expect([h.min, h.max, h.total]).toEqual([-4, 4, 21]);
      expect(h.quantile(0.9)).toBe(states[0]!.quantile(0.9));
    }
    // Values equal to the top of a range that later grew land where 2 and 1 belong at range 4.
    expect(want[BINS / 2 + BINS / 4]).toBe(1); // 2
    expect(want[BINS / 2 + BINS / 8]).toBe(2); // 1, twice
    // A tiny negative value sits below zero's bin, not in it.
    expect(want[BINS / 2 - 1]).toBe(2); // -1e-30, -1e-20
  });
});
