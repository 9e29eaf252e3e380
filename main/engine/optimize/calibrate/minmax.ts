/** Min-max calibration (LiteRT's): the range is the smallest and largest value ever seen. */
import { minMaxOf, type Calibrator, type Range } from './types';

export function minMaxCalibrator(): Calibrator {
  const seen = new Map<number, Range>();
  return {
    observe(tensor, values) {
      const r = minMaxOf(values);
      const s = seen.get(tensor);
      if (!s) seen.set(tensor, r);
      else {
        if (r.min < s.min) s.min = r.min;
        if (r.max > s.max) s.max = r.max;
      }
    },
    ranges: () => new Map([...seen].filter(([, r]) => Number.isFinite(r.min) && Number.isFinite(r.max))),
  };
}
