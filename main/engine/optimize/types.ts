/** Shared result and option types of the optimizers. */
import type { TflModel } from '../tflite/model';

export interface QuantizeResult {
  /** The new model (the input model is never modified). */
  model: TflModel;
  /** Things the user should know (nothing quantized, ranges that disagree, ops kept float...). */
  warnings: string[];
  /** Operators now computing on quantized values or reading quantized/float16 weights. */
  quantizedOps: number;
  /** Operators still computing in float (QUANTIZE/DEQUANTIZE glue not counted). */
  floatOps: number;
  /** Constant tensors converted. */
  convertedTensors: number;
}

/** Progress: samples done out of total (calibration, debugging). */
export type ProgressFn = (done: number, total: number) => void;
