import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram';
import { minMaxCalibrator } from './minmax';
import { movingAverageCalibrator } from './moving-average';
import { mseCalibrator, searchRange } from './mse';
import { percentileCalibrator } from './percentile';

/** Deterministic pseudo-normal values (sum of 4 uniforms from a fixed LCG). */
function normals(n: number, seed = 1): Float32Array {
  let s = seed;
  const u = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  return Float32Array.from({ length: n }, () => (u() + u() + u() + u() - 2) * Math.sqrt(3));
}

describe('calibrators', () => {
  it('min-max is the extreme values over all samples', () => {
    const c = minMaxCalibrator();
    c.observe(7, new Float32Array([1, -2, 3]));
    c.observe(7, new Float32Array([0.5, 4, NaN]));
    c.observe(8, new Float32Array([0, 0]));
    expect(c.ranges()).toEqual(
      new Map([
        [7, { min: -2, max: 4 }],
        [8, { min: 0, max: 0 }],
      ]),
    );
  });

  it('moving average blends each sample with weight 0.01 after the first', () => {
    const c = movingAverageCalibrator(0.01);
    c.observe(1, new Float32Array([-1, 1]));
    c.observe(1, new Float32Array([-101, 201]));
    const r = c.ranges().get(1)!;
    expect(r.min).toBeCloseTo(-2, 12);
    expect(r.max).toBeCloseTo(3, 12);
  });

  it('histogram grows by doubling without losing counts; quantiles interpolate', () => {
    const h = new Histogram();
    h.add(new Float32Array([0.5, -0.25]));
    expect(h.range).toBe(0.5);
    h.add(new Float32Array([3, -3.5]));
    expect(h.range).toBe(4);
    expect(h.total).toBe(4);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect([h.min, h.max]).toEqual([-3.5, 3]);
    const u = new Histogram();
    u.add(Float32Array.from({ length: 10000 }, (_v, i) => i / 10000)); // uniform on [0, 1)
    expect(u.quantile(0.5)).toBeCloseTo(0.5, 3);
    expect(u.quantile(0.9)).toBeCloseTo(0.9, 3);
  });

  it('percentile ignores a rare long tail that min-max keeps', () => {
    const x = normals(100000);
    x[17] = 50; // one outlier
    const p = percentileCalibrator(99.9);
    const m = minMaxCalibrator();
    p.observe(0, x);
    m.observe(0, x);
    expect(m.ranges().get(0)!.max).toBe(50);
    const r = p.ranges().get(0)!;
    // The 0.1% / 99.9% quantiles of this bounded (±3.46) near-normal are about ∓2.5.
    expect(r.max).toBeGreaterThan(2.2);
    expect(r.max).toBeLessThan(3.2);
    expect(r.min).toBeLessThan(-2.2);
    expect(r.min).toBeGreaterThan(-3.2);
  });

  it('MSE search clips an outlier and never does worse than the full range', () => {
    const x = normals(50000, 3);
    x[5] = 40;
    const h = new Histogram();
    h.add(x);
    const target = { qmin: -128, qmax: 127, symmetric: false };
    const r = searchRange(h, target);
    expect(r.max).toBeLessThan(40);
    expect(r.max).toBeGreaterThan(2);
    const c = mseCalibrator(target);
    c.observe(0, x);
    expect(c.ranges().get(0)).toEqual(r);
    // Without outliers a uniform distribution keeps (nearly) its full range.
    const u = new Histogram();
    u.add(Float32Array.from({ length: 20000 }, (_v, i) => -1 + (2 * i) / 20000));
    const ru = searchRange(u, { qmin: -32767, qmax: 32767, symmetric: true });
    expect(ru.max).toBeGreaterThan(0.95);
  });

  it('percentile refuses nonsense percentiles', () => {
    expect(() => percentileCalibrator(40)).toThrow(/must be in/);
  });
});
