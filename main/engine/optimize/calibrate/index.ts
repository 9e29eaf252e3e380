/**
 * Calibration: run the FLOAT model in Lowbit's interpreter over representative samples and
 * observe every float tensor (graph inputs and every operator output) with the chosen method,
 * plus the cell state and gate pre-activations of each LSTM (calibrate/lstm.ts).
 */
import { CancelledError, DatasetError, InvalidArgumentError, ShapeMismatchError } from '../../errors';
import { Interpreter } from '../../interpreter/interpreter';
import { TensorType, type TflModel } from '../../tflite/model';
import { readTflite } from '../../tflite/reader';
import { writeTflite } from '../../tflite/writer';
import { usePool, type SamplePool, type SampleTask } from '../../interpreter/sample-pool';
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
  /** Threads to run the samples on (the ranges are identical to one thread's). */
  pool?: SamplePool;
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

/** One sample's observations: each observed tensor (or LSTM key) with its calibrator summary. */
export type SampleObservations = [key: number, summary: unknown][];

/**
 * What calibration does with one sample, on whichever thread runs it: set the inputs, invoke the
 * float model, summarize every float tensor the calibrator observes (inputs, operator outputs,
 * LSTM cell states and gates), in the order one thread observes them.
 */
export function sampleObserver(
  model: TflModel,
  cal: Pick<Calibrator, 'summarize'>,
): (inputs: readonly Float32Array[]) => SampleObservations {
  const lstm = lstmRecorder(model);
  const interp = Interpreter.create(model, lstm ? { kernels: lstm.kernels } : {});
  const inputs = interp.inputs;
  return (sample) => {
    const seen: SampleObservations = [];
    const note = (key: number, values: Float32Array) => {
      const s = cal.summarize(values);
      if (s !== null) seen.push([key, s]);
    };
    sample.forEach((x, i) => {
      interp.setInput(i, x);
      note(inputs[i].index, x);
    });
    interp.invoke({
      observer: (_op, outputs) => {
        for (const t of outputs) if (t.dtype === 'float32') note(t.index, t.data as Float32Array);
      },
    });
    lstm?.flush(note);
    return seen;
  };
}

/** Calibration's work for a pool thread: the float model's bytes and the calibration method. */
export interface CalibrationTaskParams {
  model: Uint8Array;
  method: CalibrationMethod;
  target: QuantTarget;
  percentile?: number;
}

/**
 * Runs the float model over every sample and returns the range chosen for every float tensor it
 * observed (by tensor index of subgraph 0). Throws CancelledError when the signal fires,
 * DatasetError for an empty dataset, ShapeMismatchError for a sample of the wrong size.
 *
 * With a pool (`options.pool`, more than one thread) the samples run on its threads and their
 * summaries are added here in sample order: the ranges are the same bits as on one thread. A
 * stateful model (an LSTM with variable tensors) always runs here, its samples in order.
 */
export async function calibrate(
  model: TflModel,
  samples: readonly ModelInputs[],
  options: CalibrateOptions,
): Promise<Map<number, Range>> {
  if (samples.length === 0)
    throw new DatasetError('the representative dataset is empty: full-integer quantization needs samples');
  const method = options.method ?? 'minmax';
  const cal = createCalibrator(method, options.target, options.percentile);
  checkCalibrationInputs(model, samples);
  const addSample = (s: number, seen: SampleObservations) => {
    for (const [key, summary] of seen) cal.add(key, summary);
    options.onProgress?.(s + 1, samples.length);
  };
  const pool = options.pool;
  if (usePool(pool, samples.length, model)) {
    if (options.signal?.aborted) throw new CancelledError();
    const params: CalibrationTaskParams = {
      model: writeTflite(model),
      method,
      target: options.target,
      percentile: options.percentile,
    };
    const set = { length: samples.length, get: (i: number) => ({ inputs: samples[i] }) };
    await pool.run(calibrationTask, params, set, (s, _sample, seen) => addSample(s, seen), options.signal);
  } else {
    const observe = sampleObserver(model, cal);
    const pause = yielder();
    for (let s = 0; s < samples.length; s++) {
      if (options.signal?.aborted) throw new CancelledError();
      addSample(s, observe(samples[s]));
      await pause();
    }
  }
  if (options.signal?.aborted) throw new CancelledError();
  return cal.ranges();
}

/** Every sample has one float array per model input, and every model input is float32. */
function checkCalibrationInputs(model: TflModel, samples: readonly ModelInputs[]): void {
  const sg = model.subgraphs[0];
  const inputs = sg.inputs;
  samples.forEach((sample, s) => {
    if (sample.length !== inputs.length) {
      throw new ShapeMismatchError(
        `sample ${s} has ${sample.length} input(s), the model takes ${inputs.length}`,
      );
    }
  });
  inputs.forEach((t, i) => {
    const type = sg.tensors[t]?.type;
    if (type !== TensorType.FLOAT32)
      throw new DatasetError(
        `model input ${i} is ${type === undefined ? 'missing' : TensorType[type].toLowerCase()}: calibration needs a float model`,
      );
  });
}

/** Calibration as a pool task: one sample's observations, summarized by the method's calibrator. */
export const calibrationTask: SampleTask<CalibrationTaskParams, SampleObservations> = {
  id: 'calibrate.observe',
  open(p) {
    const model = readTflite(p.model);
    return sampleObserver(model, createCalibrator(p.method, p.target, p.percentile));
  },
};
