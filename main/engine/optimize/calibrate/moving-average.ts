/**
 * Moving-average min-max: each sample's min and max are blended into an exponential moving
 * average (the first sample sets it), so a few outlier samples move the range only a little.
 * `constant` is the weight of each new sample (0.01, ONNX Runtime's default).
 */
import { minMaxOf, type Calibrator, type Range } from './types';

export function movingAverageCalibrator(constant = 0.01): Calibrator {
  const avg = new Map<number, Range>();
  return {
    observe(tensor, values) {
      const r = minMaxOf(values);
      if (!Number.isFinite(r.min) || !Number.isFinite(r.max)) return;
      const a = avg.get(tensor);
      if (!a) avg.set(tensor, r);
      else {
        a.min += constant * (r.min - a.min);
        a.max += constant * (r.max - a.max);
      }
    },
    ranges: () => new Map([...avg].map(([k, r]) => [k, { ...r }])),
  };
}
