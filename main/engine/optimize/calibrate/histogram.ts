/**
 * A per-tensor histogram over a symmetric range [-R, R], R a power of two that grows as values
 * arrive, with the exact min and max kept beside it. Used by the percentile and MSE calibrators.
 *
 * The histogram is exactly "every value seen, binned at the final R", whatever the order the
 * values came in, so histograms of samples summarised on different threads add up to the bits one
 * thread gets:
 *  - bin of v at R is n/2 + floor(v·n/(2R)), clamped to [0, n-1]; v·n/(2R) multiplies by a power
 *    of two, which is exact (no rounding of v + R), so the floor is the real one;
 *  - doubling R maps bin i to n/2 + floor((i - n/2)/2): exact for every value below R, because
 *    floor(floor(x)/2) = floor(x/2). The one value the clamp bends is v = R itself (bin n-1 at R,
 *    bin 3n/4 at 2R), so the count of values equal to R (`top`) moves on its own;
 *  - a sample's own R is the smallest power of two covering it, so the final R is the smallest
 *    power of two covering every sample, in any order; counts are integers (exact in float64).
 */
import { minMaxOf } from '../../tensor/min-max';

export const BINS = 2048;
const HALF = BINS / 2;

/** A histogram's state: what a thread sends for one observation, and what one thread keeps. */
export interface HistogramSummary {
  /** Half-width of the covered range (a power of two); 0 while every value seen is 0. */
  range: number;
  counts: Float64Array;
  /** Values equal to +range, counted in the last bin. */
  top: number;
  min: number;
  max: number;
  total: number;
}

/** The smallest power of two ≥ need (need > 0). */
function powerOfTwoAbove(need: number): number {
  let r = 2 ** Math.ceil(Math.log2(need));
  while (r < need) r *= 2;
  while (r / 2 >= need) r /= 2;
  return r;
}

/** Bin i at range R, moved to range R·2^k (k ≥ 0). */
function foldedBin(i: number, k: number): number {
  return HALF + Math.floor((i - HALF) / 2 ** k);
}

/** One observation's histogram at its own range, or null when it holds a non-finite extreme. */
export function summarizeHistogram(values: Float32Array): HistogramSummary | null {
  const { min, max } = minMaxOf(values);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  const need = Math.max(Math.abs(min), Math.abs(max));
  const range = need > 0 ? powerOfTwoAbove(need) : 0;
  const counts = new Float64Array(BINS);
  let top = 0;
  // A power of two over a power of two: multiplying by it is exact.
  const scale = range > 0 ? BINS / (2 * range) : 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v === v)) continue; // NaN
    let b = HALF + Math.floor(v * scale);
    if (b >= BINS) {
      b = BINS - 1;
      top++;
    } else if (b < 0) b = 0;
    counts[b]++;
  }
  return { range, counts, top, min, max, total: values.length };
}

export class Histogram implements HistogramSummary {
  counts: Float64Array = new Float64Array(BINS);
  range = 0;
  top = 0;
  min = Infinity;
  max = -Infinity;
  total = 0;

  add(values: Float32Array): void {
    const s = summarizeHistogram(values);
    if (s) this.merge(s);
  }

  /** Adds another histogram's counts (exact: see the file comment). */
  merge(s: HistogramSummary): void {
    if (s.min < this.min) this.min = s.min;
    if (s.max > this.max) this.max = s.max;
    this.total += s.total;
    const range = Math.max(this.range, s.range);
    this.growTo(range);
    const counts = s.range === range || s.range === 0 ? s.counts : fold(s, range);
    for (let i = 0; i < BINS; i++) this.counts[i] += counts[i];
    if (s.range === range && range > 0) this.top += s.top;
  }

  private growTo(range: number): void {
    if (range === this.range) return;
    if (this.range > 0) {
      this.counts = fold(this, range);
      this.top = 0;
    }
    this.range = range;
  }

  /** Left edge and width of bin i. */
  bin(i: number): { left: number; width: number } {
    const width = (2 * this.range) / BINS;
    return { left: -this.range + i * width, width };
  }

  /** The value below which a fraction q of the samples lie (linear within a bin), clamped to [min, max]. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    if (this.range === 0) return 0;
    const target = q * this.total;
    let cum = 0;
    for (let i = 0; i < BINS; i++) {
      const c = this.counts[i];
      if (cum + c >= target && c > 0) {
        const { left, width } = this.bin(i);
        const v = left + ((target - cum) / c) * width;
        return Math.min(this.max, Math.max(this.min, v));
      }
      cum += c;
    }
    return this.max;
  }
}

/** The counts of `h` (range > 0) at a larger power-of-two range, values equal to h.range moved exactly. */
function fold(h: HistogramSummary, range: number): Float64Array {
  const k = Math.round(Math.log2(range / h.range));
  const out = new Float64Array(BINS);
  for (let i = 0; i < BINS; i++) {
    const c = i === BINS - 1 ? h.counts[i] - h.top : h.counts[i];
    if (c !== 0) out[foldedBin(i, k)] += c;
  }
  // v = h.range at range·: n/2 + floor((n/2)/2^k).
  if (h.top > 0) out[HALF + Math.floor(HALF / 2 ** k)] += h.top;
  return out;
}

/** Histogram-backed calibrator skeleton: the subclass picks a range from each histogram. */
export function histogramCollector(): {
  summarize(values: Float32Array): HistogramSummary | null;
  add(tensor: number, summary: HistogramSummary): void;
  all(): Map<number, Histogram>;
} {
  const hists = new Map<number, Histogram>();
  return {
    summarize: summarizeHistogram,
    add(tensor, summary) {
      let h = hists.get(tensor);
      if (!h) hists.set(tensor, (h = new Histogram()));
      h.merge(summary);
    },
    all: () => hists,
  };
}
