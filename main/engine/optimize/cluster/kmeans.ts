/**
 * One-dimensional k-means (Lloyd) for weight clustering. Deterministic: the same values, k, init
 * and seed give the same centroids (the only randomness is the seeded generator below).
 *
 * Values are sorted once; each iteration assigns by the midpoints between sorted centroids (the
 * exact nearest-centroid rule in 1-D, a value on a midpoint going to the lower centroid) and
 * recomputes means from prefix sums, so an iteration costs O(k log n). Sums are in float64; the
 * final centroids are rounded to float32 (what the model stores).
 */
import { InvalidArgumentError } from '../../errors';

export type CentroidInit = 'linear' | 'random' | 'density' | 'kmeans++';
export const CENTROID_INITS: readonly CentroidInit[] = ['linear', 'random', 'density', 'kmeans++'];

/** mulberry32-style 32-bit generator: small, fast, reproducible across platforms. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface KMeansResult {
  /** Sorted ascending, float32-representable, at most k (fewer when values have fewer distinct). */
  centroids: Float64Array;
  iterations: number;
}

export function kmeans1d(
  values: Float64Array,
  k: number,
  init: CentroidInit,
  seed = 0,
  maxIterations = 100,
): KMeansResult {
  if (!Number.isInteger(k) || k < 1)
    throw new InvalidArgumentError(`cluster count ${k} must be a positive integer`);
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { centroids: new Float64Array(0), iterations: 0 };
  const distinct = distinctSorted(sorted);
  if (distinct.length <= k) return { centroids: distinct.map(Math.fround), iterations: 0 };
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  let c = initCentroids(sorted, distinct, k, init, seed);
  let it = 0;
  for (; it < maxIterations; it++) {
    const next = new Float64Array(c.length);
    let changed = false;
    let lo = 0;
    for (let j = 0; j < c.length; j++) {
      const hi = j + 1 < c.length ? upperBound(sorted, (c[j] + c[j + 1]) / 2) : n;
      // An empty cluster keeps its centroid (it may win values back later).
      next[j] = hi > lo ? (prefix[hi] - prefix[lo]) / (hi - lo) : c[j];
      if (next[j] !== c[j]) changed = true;
      lo = hi;
    }
    c = next.sort();
    if (!changed) break;
  }
  // Drop empty clusters and duplicates after float32 rounding.
  const used = new Set<number>();
  for (let i = 0; i < n; i++) used.add(Math.fround(c[nearest(c, sorted[i])]));
  return { centroids: Float64Array.from([...used].sort((a, b) => a - b)), iterations: it };
}

/** Index of the nearest sorted centroid (ties at a midpoint go to the lower one). */
export function nearest(c: Float64Array, x: number): number {
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= (c[mid] + c[mid + 1]) / 2) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index with sorted[i] > x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function distinctSorted(sorted: Float64Array): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  return Float64Array.from(out);
}

function initCentroids(
  sorted: Float64Array,
  distinct: Float64Array,
  k: number,
  init: CentroidInit,
  seed: number,
): Float64Array {
  const n = sorted.length;
  const min = sorted[0];
  const max = sorted[n - 1];
  switch (init) {
    case 'linear':
      // Evenly spaced over [min, max] (TF-MOT's LINEAR).
      return Float64Array.from({ length: k }, (_v, i) => min + ((max - min) * i) / (k - 1 || 1));
    case 'density':
      // Equal-probability points of the empirical CDF: dense regions get more centroids.
      return Float64Array.from(
        { length: k },
        (_v, i) => sorted[Math.min(n - 1, Math.floor(((i + 0.5) * n) / k))],
      ).sort();
    case 'random': {
      // k distinct values drawn without replacement (partial Fisher-Yates on the distinct values).
      const rand = seededRandom(seed);
      const pool = Float64Array.from(distinct);
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(rand() * (pool.length - i));
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      return pool.slice(0, k).sort();
    }
    case 'kmeans++': {
      // First centroid uniform over the values, then each next one with probability ∝ D(x)².
      const rand = seededRandom(seed);
      const chosen = [sorted[Math.floor(rand() * n)]];
      const d2 = new Float64Array(n).fill(Infinity);
      while (chosen.length < k) {
        const last = chosen[chosen.length - 1];
        let total = 0;
        for (let i = 0; i < n; i++) {
          const d = (sorted[i] - last) ** 2;
          if (d < d2[i]) d2[i] = d;
          total += d2[i];
        }
        if (total === 0) break;
        let r = rand() * total;
        let pick = n - 1;
        for (let i = 0; i < n; i++) {
          r -= d2[i];
          if (r < 0) {
            pick = i;
            break;
          }
        }
        chosen.push(sorted[pick]);
      }
      return Float64Array.from(chosen).sort();
    }
    default:
      throw new InvalidArgumentError(
        `unknown centroid init "${String(init)}": use ${CENTROID_INITS.join(', ')}`,
      );
  }
}
