/**
 * MSE-minimising range search: for each tensor, candidate ranges shrink the observed [min, max]
 * by factors 1, 0.99, ..., 0.05 (around zero, so the zero point stays meaningful); each is
 * quantized with the target's real parameter choice and scored by the expected squared error
 * (rounding plus clipping) over the 2048-bin histogram, each bin represented by its centre.
 * The candidate with the least error wins.
 */
import { asymmetricParams, quantizeValue, symmetricScale } from '../../quant/math';
import { BINS, histogramCollector, type Histogram, type HistogramSummary } from './histogram';
import { calibratorOf, type Calibrator, type QuantTarget, type Range } from './types';

const STEPS = 96;

export function mseCalibrator(target: QuantTarget): Calibrator<HistogramSummary> {
  const c = histogramCollector();
  return calibratorOf<HistogramSummary>({
    summarize: c.summarize,
    add: c.add,
    ranges() {
      const out = new Map<number, Range>();
      for (const [t, h] of c.all()) if (h.total > 0) out.set(t, searchRange(h, target));
      return out;
    },
  });
}

export function searchRange(h: Histogram, target: QuantTarget): Range {
  const full = { min: Math.min(h.min, 0), max: Math.max(h.max, 0) };
  if (h.range === 0 || full.max === full.min) return full;
  let best = full;
  let bestErr = Infinity;
  for (let i = 0; i < STEPS; i++) {
    const f = 1 - i * 0.01;
    const cand = { min: full.min * f, max: full.max * f };
    const err = expectedError(h, cand, target);
    if (err < bestErr) {
      bestErr = err;
      best = cand;
    }
  }
  return best;
}

function expectedError(h: Histogram, r: Range, t: QuantTarget): number {
  const { scale, zeroPoint } = t.symmetric
    ? { scale: symmetricScale(Math.max(-r.min, r.max), t.qmax), zeroPoint: 0 }
    : asymmetricParams(r.min, r.max, t.qmin, t.qmax);
  let err = 0;
  for (let i = 0; i < BINS; i++) {
    const count = h.counts[i];
    if (count === 0) continue;
    const { left, width } = h.bin(i);
    const x = left + width / 2;
    const q = quantizeValue(x, scale, zeroPoint, t.symmetric ? -t.qmax : t.qmin, t.qmax);
    const d = x - (q - zeroPoint) * scale;
    err += count * d * d;
  }
  return err;
}
