/**
 * Percentile calibration: the range keeps the central `percentile` % of the observed values
 * (min at the (100 - p) % quantile, max at the p % quantile, from a 2048-bin histogram), so a
 * long tail of rare large values no longer stretches the scale for everything else.
 */
import { InvalidArgumentError } from '../../errors';
import { histogramCollector, type HistogramSummary } from './histogram';
import { calibratorOf, type Calibrator, type Range } from './types';

export function percentileCalibrator(percentile = 99.99): Calibrator<HistogramSummary> {
  if (!(percentile > 50 && percentile <= 100))
    throw new InvalidArgumentError(`percentile ${percentile} must be in (50, 100]`);
  const c = histogramCollector();
  const p = percentile / 100;
  return calibratorOf<HistogramSummary>({
    summarize: c.summarize,
    add: c.add,
    ranges() {
      const out = new Map<number, Range>();
      for (const [t, h] of c.all()) {
        if (h.total === 0) continue;
        out.set(t, p === 1 ? { min: h.min, max: h.max } : { min: h.quantile(1 - p), max: h.quantile(p) });
      }
      return out;
    },
  });
}
