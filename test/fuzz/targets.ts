/**
 * What one fuzz case runs, in the child process: the same entry points a user's file goes
 * through. A case ends in success or in a LowbitError with a code the CLI reports as bad input
 * (exit 1 or 2); any other exception is a crash (the CLI's exit 3 with a stack trace).
 *
 *   - model: readModelFile (read, sniff, parse) -> inspect -> write and read again (round trip)
 *     -> ONNX: every initializer's values up to 64 MiB decoded -> when the format lowers to
 *     TFLite (ONNX: no initializer past 64 MiB): lowering, the analysis report, Interpreter.create
 *     (every kernel's prepare), one invoke on zero inputs;
 *   - dataset: openDataset (every up-front check) -> get() of the first samples;
 *   - tensor: a `lowbit run --input` file read and decoded for its tensor.
 *
 * Adding a target: a new Job variant and its branch in runJob.
 */
import { openDataset } from '../../main/files/dataset-open';
import { externalDataBeside } from '../../main/files/external-data';
import { readModelFile } from '../../main/files/model-file';
import { readFileBytes } from '../../main/files/read-file';
import { analyzeModel } from '../../main/engine/analysis/analyze';
import { LowbitError } from '../../main/engine/errors';
import { Interpreter } from '../../main/engine/interpreter/index';
import { readModel } from '../../main/engine/model/registry';
import { initializerValues, type OnnxModel } from '../../main/engine/onnx/reader';
import { storedByteLength } from '../../main/engine/onnx/tensor-data';
import type { DType } from '../../main/engine/tensor/dtype';
import { decodeTensorFile } from '../../main/engine/tensor/tensor-files';
import { DATASET_MODEL, type DatasetModel } from './seeds';

export type Job =
  | { target: 'model'; file: string }
  | {
      target: 'dataset';
      path: string;
      labels?: string;
      labelColumn?: string | number | null;
      /** The model the dataset is opened for; DATASET_MODEL when absent. */
      model?: DatasetModel;
    }
  | { target: 'tensor'; file: string; dtype: DType; shape: number[] };

export type Outcome =
  | { kind: 'success' }
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'crash'; error: string; stack: string };

/** How many samples of an opened dataset are decoded (the lazily decoded formats fail there). */
const SAMPLES_READ = 4;

/** ONNX initializers larger than this are not decoded (a valid model may hold gigabytes). */
const MAX_DECODED_INITIALIZER = 64 * 2 ** 20;

function runModel(file: string): void {
  const read = readModelFile(file);
  const { format, model } = read;
  format.inspect(model, read.bytes.length);
  if (format.write)
    readModel(format.write(model), `${file} (written)`, { externalData: externalDataBeside(file) });
  if (format.id === 'onnx') {
    const onnx = model as OnnxModel;
    let large = false;
    for (const [name, t] of onnx.initializers) {
      if (storedByteLength(t) <= MAX_DECODED_INITIALIZER) initializerValues(onnx, name);
      else large = true;
    }
    // Lowering decodes every weight, so a model with gigabytes of them (external data, a sparse
    // file in the crafted case) costs that much by design: it is read and inspected, not lowered.
    if (large) return;
  }
  if (!format.toTflite) return;
  const tflite = format.toTflite(model);
  // The analysis report plans a model the interpreter refuses from the file's shapes: fuzz that too.
  analyzeModel(tflite);
  const interp = Interpreter.create(tflite);
  interp.invoke();
}

function runDataset(job: Extract<Job, { target: 'dataset' }>): void {
  const model = job.model ?? DATASET_MODEL;
  const ds = openDataset(job.path, {
    inputShape: [...model.inputShape],
    classes: model.classes,
    preprocess: model.preprocess,
    labels: job.labels,
    labelColumn: job.labelColumn,
  });
  for (let i = 0; i < Math.min(ds.length, SAMPLES_READ); i++) ds.get(i);
  ds.describe();
}

/** Runs the job; never throws. */
export function runJob(job: Job): Outcome {
  try {
    if (job.target === 'model') runModel(job.file);
    else if (job.target === 'dataset') runDataset(job);
    else decodeTensorFile(job.file, readFileBytes(job.file, 'tensor'), job.dtype, job.shape);
    return { kind: 'success' };
  } catch (e) {
    // INTERNAL is the one code the CLI reports as exit 3.
    if (e instanceof LowbitError && e.code !== 'INTERNAL')
      return { kind: 'rejected', code: e.code, message: e.message.slice(0, 300) };
    const err = e instanceof Error ? e : new Error(String(e));
    return { kind: 'crash', error: `${err.name}: ${err.message}`.slice(0, 500), stack: err.stack ?? '' };
  }
}
