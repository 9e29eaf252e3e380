/**
 * Calibration: run the FLOAT model in Lowbit's interpreter over representative samples and
 * observe every float tensor (graph inputs and every operator output) with the chosen method,
 * plus the cell state and gate pre-activations of each LSTM (calibrate/lstm.ts).
 */
import { CancelledError, DatasetError, InvalidArgumentError, ShapeMismatchError } from '../../errors';
import { Interpreter } from '../../interpreter/interpreter';
import type { TflModel } from '../../tflite/model';
import type { ProgressFn } from '../types';
import { lstmRecorder } from './lstm';
import { minMaxCalibrator } from './minmax';
import { movingAverageCalibrator } from './moving-average';
import { mseCalibrator } from './mse';
import { percentileCalibrator } from './percentile';
import type { ModelInputs } from '../../tensor/model-inputs';
import type { CalibrationMethod, Calibrator, QuantTarget, Range } from './types';

export type { CalibrationMethod, Calibrator, QuantTarget, Range } from './types';
export { CALIBRATION_METHODS } from './types';

export interface CalibrateOptions {
  method?: CalibrationMethod;
  /** For 'percentile' (default 99.99). */
  percentile?: number;
  target: QuantTarget;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export function createCalibrator(
  method: CalibrationMethod,
  target: QuantTarget,
  percentile?: number,
): Calibrator {
  switch (method) {
    case 'minmax':
      return minMaxCalibrator();
    case 'moving-average':
      return movingAverageCalibrator();
    case 'percentile':
      return percentileCalibrator(percentile);
    case 'mse':
      return mseCalibrator(target);
    default:
      throw new InvalidArgumentError(
        `unknown calibration method '${String(method)}' (minmax, moving-average, percentile, mse)`,
      );
  }
}

/** Gives the event loop a turn (so an abort can be delivered) at most every `ms` milliseconds. */
export function yielder(ms = 25): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < ms) return;
    await new Promise<void>((r) => setTimeout(r, 0));
    last = Date.now();
  };
}

/**
 * Runs the float model over every sample and returns the range chosen for every float tensor it
 * observed (by tensor index of subgraph 0). Throws CancelledError when the signal fires,
 * DatasetError for an empty dataset, ShapeMismatchError for a sample of the wrong size.
 */
export async function calibrate(
  model: TflModel,
  samples: readonly ModelInputs[],
  options: CalibrateOptions,
): Promise<Map<number, Range>> {
  if (samples.length === 0)
    throw new DatasetError('the representative dataset is empty: full-integer quantization needs samples');
  const cal = createCalibrator(options.method ?? 'minmax', options.target, options.percentile);
  const lstm = lstmRecorder(model);
  const interp = Interpreter.create(model, lstm ? { kernels: lstm.kernels } : {});
  const inputs = interp.inputs;
  const pause = yielder();
  const observer = (_op: number, outputs: readonly { index: number; dtype: string; data: unknown }[]) => {
    for (const t of outputs) if (t.dtype === 'float32') cal.observe(t.index, t.data as Float32Array);
  };
  for (let s = 0; s < samples.length; s++) {
    if (options.signal?.aborted) throw new CancelledError();
    const sample = samples[s];
    if (sample.length !== inputs.length) {
      throw new ShapeMismatchError(
        `sample ${s} has ${sample.length} input(s), the model takes ${inputs.length}`,
      );
    }
    sample.forEach((x, i) => {
      if (inputs[i].dtype !== 'float32')
        throw new DatasetError(`model input ${i} is ${inputs[i].dtype}: calibration needs a float model`);
      interp.setInput(i, x);
      cal.observe(inputs[i].index, x);
    });
    interp.invoke({ observer });
    lstm?.flush(cal);
    options.onProgress?.(s + 1, samples.length);
    await pause();
  }
  if (options.signal?.aborted) throw new CancelledError();
  return cal.ranges();
}
