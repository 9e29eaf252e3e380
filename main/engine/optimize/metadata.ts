/**
 * The `lowbit_quantization` metadata buffer: a JSON record of how a model was produced, so a
 * quantized model explains what its tensors cannot: calibration method and sample count, what
 * was kept float on request, the input ranges of a model it was dequantized from. Nothing the
 * model already says (operator versions, tensor types, per-channel or per-tensor scales) is
 * repeated, and float16 or dynamic-range files with no keep-float rule carry no record at all:
 * every byte counts against the size the user is optimizing.
 */
import { getMetadata, setMetadata } from '../tflite/edit';
import type { TflModel } from '../tflite/model';

export const QUANT_METADATA = 'lowbit_quantization';

export interface QuantizationRecord {
  technique: string;
  method?: string;
  /** true, false, or the op name when only that op's weights are per tensor. */
  perTensor?: boolean | string;
  io?: string;
  samples?: number;
  keptFloat: string[];
  /**
   * Real range each model input had in the quantized model a float model was dequantized from
   * (what its preprocessing produced), so re-quantization can check calibration data against it.
   */
  inputRanges?: ({ min: number; max: number } | null)[];
}

export function recordQuantization(model: TflModel, record: QuantizationRecord): void {
  const json = JSON.stringify({ format: 1, ...record });
  setMetadata(model, QUANT_METADATA, new TextEncoder().encode(json));
}

/** The record, or null when the model has none (or it is not valid JSON). */
export function readQuantizationRecord(model: TflModel): QuantizationRecord | null {
  const bytes = getMetadata(model, QUANT_METADATA);
  if (!bytes) return null;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as QuantizationRecord;
  } catch {
    return null;
  }
}
