/**
 * The `lowbit_quantization` metadata buffer: a JSON record of how a model was produced, so a
 * quantized model explains itself (technique, calibration method, what was kept float, the
 * operator versions written).
 */
import { getMetadata, setMetadata } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { opName } from '../tflite/names';

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
  /** Operator name -> versions present, filled in when recorded. */
  versions?: Record<string, number[]>;
}

export function recordQuantization(model: TflModel, record: QuantizationRecord): void {
  const versions: Record<string, number[]> = {};
  const used = new Set(model.subgraphs.flatMap((sg) => sg.operators.map((op) => op.opcodeIndex)));
  model.operatorCodes.forEach((c, i) => {
    if (!used.has(i)) return;
    const name = opName(c);
    versions[name] = [...new Set([...(versions[name] ?? []), c.version])].sort((a, b) => a - b);
  });
  const json = JSON.stringify({ format: 1, ...record, versions });
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
