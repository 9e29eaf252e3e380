/**
 * Post-training optimization: one entry point over the techniques (float16, dynamic range, int8,
 * 16x8), plus dequantization, the spec linter and the debugger.
 */
import { InvalidArgumentError } from '../errors';
import type { TflModel } from '../tflite/model';
import type { ModelInputs } from '../tensor/model-inputs';
import type { CalibrationMethod, Range } from './calibrate/index';
import { quantizeDynamicRange } from './dynamic-range';
import { quantizeFloat16 } from './float16';
import { quantizeFullInteger, type FullIntegerResult, type ModelIo } from './full-integer';
import type { KeepFloatRule } from './keep-float';
import type { ProgressFn, QuantizeResult, Technique } from './types';

export { dequantizeModel } from './dequantize';
export { debugQuantization } from './debugger';
export type { DebugReport, LayerStats } from './debugger';
export { lintQuantization } from './spec-lint';
export type { LintFinding } from './spec-lint';
export { parseKeepFloat } from './keep-float';
export type { KeepFloatRule } from './keep-float';
export { CALIBRATION_METHODS } from './calibrate/index';
export type { CalibrationMethod } from './calibrate/index';
export { readQuantizationRecord, QUANT_METADATA } from './metadata';
export type { QuantizeResult, Technique } from './types';
export type { ModelIo } from './full-integer';

export const TECHNIQUES: readonly Technique[] = ['float16', 'dynamic', 'int8', 'int16x8'];

export interface QuantizeOptions {
  technique: Technique;
  /** Representative samples (int8 / 16x8 only). */
  samples?: readonly ModelInputs[];
  io?: ModelIo;
  method?: CalibrationMethod;
  percentile?: number;
  perTensor?: boolean;
  /** int8 / 16x8: per-tensor FULLY_CONNECTED weights only. */
  perTensorFullyConnected?: boolean;
  keepFloat?: KeepFloatRule[];
  /** dynamic: weights with fewer elements stay float (default 1024, as LiteRT). */
  minElements?: number;
  strict?: boolean;
  expectedInputRanges?: (Range | null)[];
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

/** Quantizes a float model with the chosen technique; the input model is not modified. */
export async function quantizeModel(
  model: TflModel,
  o: QuantizeOptions,
): Promise<QuantizeResult | FullIntegerResult> {
  const dataless = o.technique === 'float16' || o.technique === 'dynamic';
  if (dataless && o.io && o.io !== 'float')
    throw new InvalidArgumentError(`--io ${o.io} needs full-integer quantization (int8 or int16x8)`);
  if (dataless && o.strict) throw new InvalidArgumentError('--strict applies to int8 and int16x8 only');
  switch (o.technique) {
    case 'float16':
      if (o.keepFloat?.length)
        throw new InvalidArgumentError(
          '--keep-float does not apply to float16 (every constant becomes float16)',
        );
      return quantizeFloat16(model, { signal: o.signal });
    case 'dynamic':
      return quantizeDynamicRange(model, {
        perTensor: o.perTensor,
        minElements: o.minElements,
        keepFloat: o.keepFloat,
        signal: o.signal,
      });
    case 'int8':
    case 'int16x8':
      return quantizeFullInteger(model, o.samples ?? [], {
        activations: o.technique === 'int8' ? 'int8' : 'int16',
        io: o.io,
        method: o.method,
        percentile: o.percentile,
        perTensor: o.perTensor,
        perTensorFullyConnected: o.perTensorFullyConnected,
        keepFloat: o.keepFloat,
        strict: o.strict,
        expectedInputRanges: o.expectedInputRanges,
        signal: o.signal,
        onProgress: o.onProgress,
      });
    default:
      throw new InvalidArgumentError(
        `unknown technique '${String(o.technique)}' (float16, dynamic, int8, int16x8)`,
      );
  }
}
