import type { SampleSet } from '../evaluate/evaluate';
import { representativeSamples, type Dataset } from './dataset';

/** Adapts a single-input Dataset to the evaluation's SampleSet (one Float32Array per input). */
export function asSampleSet(ds: Dataset, limit?: number): SampleSet {
  const length = limit !== undefined ? Math.min(limit, ds.length) : ds.length;
  return {
    length,
    get: (i) => {
      const s = ds.get(i);
      return { inputs: [s.input], ...(s.label !== undefined ? { label: s.label } : {}) };
    },
  };
}

/** At most `n` calibration inputs spread evenly over the dataset (a class-sorted folder stays balanced). */
export function calibrationSamples(ds: Dataset, n: number): Float32Array[][] {
  return [...representativeSamples(ds, n)];
}
