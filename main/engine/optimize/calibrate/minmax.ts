/** Min-max calibration (LiteRT's): the range is the smallest and largest value ever seen. */
import { calibratorOf, minMaxOf, type Calibrator, type Range } from './types';

export function minMaxCalibrator(): Calibrator<Range> {
  const seen = new Map<number, Range>();
  return calibratorOf<Range>({
    summarize: (values) => minMaxOf(values),
    add(tensor, r) {
      const s = seen.get(tensor);
      if (!s) seen.set(tensor, { ...r });
      else {
        if (r.min < s.min) s.min = r.min;
        if (r.max > s.max) s.max = r.max;
      }
    },
    ranges: () => new Map([...seen].filter(([, r]) => Number.isFinite(r.min) && Number.isFinite(r.max))),
  });
}
