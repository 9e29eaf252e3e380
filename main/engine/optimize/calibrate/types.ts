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

export interface Calibrator {
  /** Values of one tensor for the current sample (a view: copy what is kept). */
  observe(tensor: number, values: Float32Array): void;
  /** The chosen range per observed tensor. */
  ranges(): Map<number, Range>;
}

export { minMaxOf } from '../../tensor/min-max';
