/**
 * A per-tensor histogram over a symmetric range [-R, R] that grows as values arrive: when a value
 * falls outside, R doubles and neighbouring bins merge pairwise (bin i of the old histogram goes
 * to bin n/4 + floor(i/2) of the new one, exact because n is a multiple of 4). The exact min and
 * max are kept beside it. Used by the percentile and MSE calibrators.
 */
import { minMaxOf } from '../../tensor/min-max';

export const BINS = 2048;

export class Histogram {
  readonly counts = new Float64Array(BINS);
  /** Half-width of the covered range; 0 until a non-zero value arrives. */
  range = 0;
  min = Infinity;
  max = -Infinity;
  total = 0;

  add(values: Float32Array): void {
    const { min: lo, max: hi } = minMaxOf(values);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return;
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
    const need = Math.max(Math.abs(lo), Math.abs(hi));
    if (this.range === 0) {
      // A power of two keeps doublings exact.
      this.range = need > 0 ? 2 ** Math.ceil(Math.log2(need)) : 0;
    }
    while (this.range > 0 && need > this.range) this.grow();
    const r = this.range;
    const n = BINS;
    const scale = r > 0 ? n / (2 * r) : 0;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (!(v === v)) continue; // NaN
      let b = r > 0 ? Math.floor((v + r) * scale) : n / 2;
      if (b >= n) b = n - 1;
      else if (b < 0) b = 0;
      this.counts[b]++;
    }
    this.total += values.length;
  }

  private grow(): void {
    const n = BINS;
    const merged = new Float64Array(n);
    for (let i = 0; i < n; i++) merged[n / 4 + (i >> 1)] += this.counts[i];
    this.counts.set(merged);
    this.range *= 2;
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

/** Histogram-backed calibrator skeleton: the subclass picks a range from each histogram. */
export function histogramCollector(): {
  observe(tensor: number, values: Float32Array): void;
  all(): Map<number, Histogram>;
} {
  const hists = new Map<number, Histogram>();
  return {
    observe(tensor, values) {
      let h = hists.get(tensor);
      if (!h) hists.set(tensor, (h = new Histogram()));
      h.add(values);
    },
    all: () => hists,
  };
}
