/** Calibration: per-tensor statistics over representative samples, turned into ranges. */

export interface Range {
  min: number;
  max: number;
}

/** What the ranges will be quantized to (the MSE search needs it). */
export interface QuantTarget {
  qmin: number;
  qmax: number;
  /** Symmetric (int16 activations, zero point 0) or asymmetric (int8). */
  symmetric: boolean;
}

export type CalibrationMethod = 'minmax' | 'moving-average' | 'percentile' | 'mse';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = [
  'minmax',
  'moving-average',
  'percentile',
  'mse',
];

/**
 * A calibration method's statistics, in two halves so calibration can run its samples on other
 * threads (engine/interpreter/sample-pool.ts) with results identical to one thread:
 * `summarize` reduces one observation of a tensor to what the method keeps (min and max, a
 * histogram), wherever the sample ran; `add` folds summaries in, in sample order. One thread does
 * exactly the same (`observe` is `add(summarize(values))`), so the statistics are the same bits.
 */
export interface Calibrator<S = unknown> {
  /** What one observation contributes (structured-cloneable), or null for nothing (all non-finite). */
  summarize(values: Float32Array): S | null;
  /** Folds in one observation's summary (call in sample order). */
  add(tensor: number, summary: S): void;
  /** Values of one tensor for the current sample (a view: copy what is kept). */
  observe(tensor: number, values: Float32Array): void;
  /** The chosen range per observed tensor. */
  ranges(): Map<number, Range>;
}

/** A Calibrator from its summarize, add and ranges (observe is add after summarize). */
export function calibratorOf<S>(c: Omit<Calibrator<S>, 'observe'>): Calibrator<S> {
  return {
    ...c,
    observe(tensor, values) {
      const s = c.summarize(values);
      if (s !== null) c.add(tensor, s);
    },
  };
}

export { minMaxOf } from '../../tensor/min-max';
