import type { Dataset } from '../engine/datasets/dataset';
import type { SampleSet } from '../engine/evaluate/evaluate';

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

/** The first `n` samples as calibration inputs for the quantizer. */
export function calibrationSamples(ds: Dataset, n: number): Float32Array[][] {
  const out: Float32Array[][] = [];
  for (let i = 0; i < Math.min(n, ds.length); i++) out.push([ds.get(i).input]);
  return out;
}
