/**
 * The data a command's flags name, opened for a model: representative samples for calibration
 * (quantize, debug, optimize) and evaluation sets (prune, cluster, optimize). Readers live in
 * engine/datasets and main/files; this module only decides which split and how many samples.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PreprocessSpec } from '../engine/datasets/preprocess';
import { asSampleSet, calibrationSamples, takeEvenly, type SampleSet } from '../engine/datasets/samples';
import { DatasetError } from '../engine/errors';
import { samplesFromFile } from '../engine/optimize/representative';
import { numElements } from '../engine/tensor/dtype';
import type { ModelInputs } from '../engine/tensor/model-inputs';
import type { TflModel } from '../engine/tflite/model';
import { openDataset } from '../files/dataset-open';
import { findIdxPair } from '../files/idx-files';
import { readFileBytes } from '../files/read-file';

const DATA_EXT = ['.npy', '.bin', '.raw'];

/**
 * Representative samples for a single-input float model from PATH: a .npy or raw float32 .bin
 * file (one sample or several stacked), or a folder of such files (sorted by name); anything
 * else is opened as a dataset (see main/files/dataset-open.ts): IDX files or an MNIST-style IDX
 * folder, a folder of PNG/JPEG/BMP images (flat or one subfolder per class) turned into model
 * inputs by the --preprocess spec, an .npz, or a CSV. At most `limit` samples, evenly spaced.
 */
export function loadRepresentativeData(
  p: string,
  model: TflModel,
  limit?: number,
  preprocess?: PreprocessSpec,
): ModelInputs[] {
  const sg = model.subgraphs[0];
  return loadRepresentativeSamples(
    p,
    sg.inputs.map((i) => [...sg.tensors[i].shape]),
    limit,
    preprocess,
  );
}

/** The same for a model of any format, given its input shapes (one entry per model input). */
export function loadRepresentativeSamples(
  p: string,
  inputShapes: number[][],
  limit?: number,
  preprocess?: PreprocessSpec,
): ModelInputs[] {
  if (inputShapes.length !== 1)
    throw new DatasetError(
      `${p}: the model has ${inputShapes.length} inputs; representative files are supported for single-input models only`,
    );
  const shape = inputShapes[0];
  const elements = numElements(shape);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new DatasetError(`${p}: no such file or folder`);
  }
  const rawFiles = stat.isDirectory()
    ? fs
        .readdirSync(p)
        .filter((f) => DATA_EXT.includes(path.extname(f).toLowerCase()))
        .sort()
        .map((f) => path.join(p, f))
    : DATA_EXT.includes(path.extname(p).toLowerCase())
      ? [p]
      : [];
  if (rawFiles.length === 0) {
    // An IDX folder calibrates on its calibration split, else train, else test (never by default
    // on the split the model is evaluated on when another is there).
    const split = stat.isDirectory()
      ? (['calibration', 'train', 't10k'] as const).find((s) => findIdxPair(p, s) !== null)
      : undefined;
    const ds = openDataset(p, { inputShape: shape, preprocess: preprocess ?? {}, split });
    return calibrationSamples(ds, limit ?? ds.length);
  }
  if (preprocess && Object.keys(preprocess).length > 0)
    throw new DatasetError(`${p}: --preprocess applies to images and IDX data, not to raw tensors`);
  const samples = rawFiles.flatMap((f) => samplesFromFile(f, readFileBytes(f, 'tensor'), elements));
  return takeEvenly(samples, limit);
}

function inputShape(model: TflModel): number[] {
  const sg = model.subgraphs[0];
  return [...sg.tensors[sg.inputs[0]].shape];
}

function classCount(model: TflModel): number | undefined {
  const sg = model.subgraphs[0];
  const shape = sg.tensors[sg.outputs[0]].shape;
  return shape[shape.length - 1];
}

/** A labelled (or not) evaluation set for the model's first input (IDX dirs: the t10k split). */
export function loadEvalSet(p: string, model: TflModel, limit?: number): SampleSet {
  const ds = openDataset(p, { inputShape: inputShape(model), classes: classCount(model) });
  return asSampleSet(ds, limit);
}

/** Calibration samples: an IDX directory's 'calibration' split when it has one, else its default. */
export function loadCalibration(p: string, model: TflModel, count = 200): ModelInputs[] {
  const split = fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() && findIdxPair(p, 'calibration');
  const ds = openDataset(p, {
    inputShape: inputShape(model),
    classes: classCount(model),
    ...(split ? { split: 'calibration' as const } : {}),
  });
  return calibrationSamples(ds, count);
}
