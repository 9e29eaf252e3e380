/**
 * Export of a quantization-aware-trained model: the trained float weights and the moving-average
 * activation ranges go through Lowbit's full-integer quantizer as preset parameters (no
 * calibration), so every scale and zero point in the integer model is the one training
 * simulated. A preset the quantizer had to change would break that promise, so it is an error.
 */
import { QuantizationError } from '../../errors';
import { quantizeFullIntegerPreset, type FullIntegerResult } from '../../optimize/full-integer';
import type { ModelIo } from '../../optimize/full-integer-types';
import type { TflModel } from '../../tflite/model';
import type { ActivationScheme, Range } from './fake-quant';
import { planQat, presetsOf, type QatPlan } from './plan';

export interface QatExportOptions {
  /** Model input/output type (default float: QUANTIZE/DEQUANTIZE at the edges). */
  io?: ModelIo;
  /** The plan training used (default: planned again from the model). */
  plan?: QatPlan;
  /**
   * The weight scales training last fake-quantized with, by weight tensor: needed when `model`
   * holds the fake-quantized (effective) weights, whose own max|w| / 127 may differ from the
   * scale by a float32 rounding; at these scales they quantize back to the trained integers.
   */
  weightScales?: ReadonlyMap<number, number[]>;
  /** Ops planned with per-tensor weights besides FULLY_CONNECTED (planQat). */
  perTensor?: Parameters<typeof planQat>[2];
}

export function exportQat(
  model: TflModel,
  ranges: ReadonlyMap<number, Range>,
  scheme: ActivationScheme,
  options: QatExportOptions = {},
): FullIntegerResult {
  const plan = options.plan ?? planQat(model, scheme, options.perTensor);
  const presets = presetsOf(model, plan, ranges, options.weightScales);
  const result = quantizeFullIntegerPreset(model, { activations: scheme, presets, io: options.io });
  if (result.presetChanges.length > 0) {
    const c = result.presetChanges[0];
    throw new QuantizationError(
      `the quantizer changed ${result.presetChanges.length} trained parameter(s), e.g. ${c.kind} "${c.tensor}": ${c.reason}`,
    );
  }
  return result;
}
