import { describe, expect, it } from 'vitest';
import { CENTROID_INITS, kmeans1d, nearest, seededRandom } from './kmeans';

describe('kmeans1d', () => {
  it('finds well-separated clusters exactly, with every init', () => {
    const values = Float64Array.from([-2.1, -2, -1.9, 0.9, 1, 1.1, 4.9, 5, 5.1]);
    for (const init of CENTROID_INITS) {
      const { centroids } = kmeans1d(values, 3, init, 3);
      expect(Array.from(centroids).map((c) => +c.toFixed(5))).toEqual([-2, 1, 5]);
    }
  });

  it('returns the distinct values when there are no more than k', () => {
    const { centroids, iterations } = kmeans1d(Float64Array.from([3, 1, 3, 2]), 8, 'linear');
    expect(Array.from(centroids)).toEqual([1, 2, 3]);
    expect(iterations).toBe(0);
  });

  it('is deterministic for a seed, and the seed matters for random init', () => {
    const r = seededRandom(5);
    const v = Float64Array.from({ length: 2000 }, () => r() * 2 - 1);
    const a = kmeans1d(v, 16, 'random', 11, 3).centroids;
    const b = kmeans1d(v, 16, 'random', 11, 3).centroids;
    const c = kmeans1d(v, 16, 'random', 12, 3).centroids;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.length).toBeLessThanOrEqual(16);
    // On uniform [-1, 1) the optimal 16-level quantizer has MSE step²/12 = (1/8)²/12 ≈ 0.0013;
    // converged Lloyd from k-means++ lands within 20% of it (a local optimum, not the global).
    const conv = kmeans1d(v, 16, 'kmeans++', 1).centroids;
    let se = 0;
    for (const x of v) se += (x - conv[nearest(conv, x)]) ** 2;
    expect(se / v.length).toBeLessThan(1.2 * (1 / 64 / 12));
    expect(se / v.length).toBeGreaterThan(0.8 * (1 / 64 / 12));
  });

  it('nearest sends a midpoint to the lower centroid', () => {
    const c = Float64Array.from([0, 1, 3]);
    expect(nearest(c, 0.5)).toBe(0);
    expect(nearest(c, 0.51)).toBe(1);
    expect(nearest(c, 2)).toBe(1);
    expect(nearest(c, 10)).toBe(2);
  });
});
