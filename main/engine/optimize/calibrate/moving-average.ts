/**
 * Moving-average min-max: each sample's min and max are blended into an exponential moving
 * average (the first sample sets it), so a few outlier samples move the range only a little.
 * `constant` is the weight of each new sample (0.01, ONNX Runtime's default). The average depends
 * on the order of the samples: summaries are added in sample order whichever thread ran them.
 */
import { calibratorOf, minMaxOf, type Calibrator, type Range } from './types';

export function movingAverageCalibrator(constant = 0.01): Calibrator<Range> {
  const avg = new Map<number, Range>();
  return calibratorOf<Range>({
    summarize(values) {
      const r = minMaxOf(values);
      return Number.isFinite(r.min) && Number.isFinite(r.max) ? r : null;
    },
    add(tensor, r) {
      const a = avg.get(tensor);
      if (!a) avg.set(tensor, { ...r });
      else {
        a.min += constant * (r.min - a.min);
        a.max += constant * (r.max - a.max);
      }
    },
    ranges: () => new Map([...avg].map(([k, r]) => [k, { ...r }])),
  });
}
