/**
 * Labelled training data for a model (issue 15): any dataset Lowbit reads that carries labels
 * (main/files/dataset-open.ts: an IDX pair or MNIST-style folder, a class-subfolder image folder,
 * a flat image folder with labels.csv, an .npy with a labels .npy, an .npz with x and y, a CSV
 * with a label column), checked against the model before any training starts.
 *
 * openDataset already refuses a count mismatch between images and labels, labels outside the
 * model's classes and class folders that are more or fewer than the model's outputs; this adds
 * the check training needs on top: every sample has a label. Errors are DatasetErrors naming
 * the file.
 */
import fs from 'node:fs';
import type { LabelledData } from '../engine/train/api';
import type { PreprocessSpec } from '../engine/datasets/preprocess';
import type { IdxSplit } from '../engine/datasets/idx';
import { DatasetError } from '../engine/errors';
import type { TflModel } from '../engine/tflite/model';
import { openDataset } from './dataset-open';
import { findIdxPair } from './idx-files';

export interface LabelledOptions {
  preprocess?: PreprocessSpec;
  /** IDX folders: which split (default: train, else calibration, else t10k, the first present). */
  split?: IdxSplit;
  /** A labels file for data whose labels are apart (IDX labels, labels .npy, `file,label` CSV). */
  labels?: string;
  /** CSV: the label column (name, index, 'first', 'last'). */
  labelColumn?: string | number;
}

/** The IDX split training reads from a folder: train, else calibration, else t10k (undefined: not IDX). */
export function trainingSplit(p: string): IdxSplit | undefined {
  if (!fs.statSync(p, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  return (['train', 'calibration', 't10k'] as const).find((s) => findIdxPair(p, s) !== null);
}

/** The model's input shape and class count (last dimension of its first output). */
export function trainingShape(model: TflModel): { inputShape: number[]; classes: number } {
  const sg = model.subgraphs[0];
  if (!sg || sg.inputs.length !== 1)
    throw new DatasetError(`training needs a model with one input; this one has ${sg?.inputs.length ?? 0}`);
  const out = sg.tensors[sg.outputs[0]!]!.shape;
  const classes = out[out.length - 1] ?? 0;
  if (!(classes >= 2))
    throw new DatasetError(
      `training needs a classifier (2 or more output classes); the model outputs [${out.join(',')}]`,
    );
  return { inputShape: [...sg.tensors[sg.inputs[0]!]!.shape], classes };
}

/** Opens `p` as labelled samples for `model`; DatasetError naming the file when it is not. */
export function loadLabelledData(p: string, model: TflModel, options: LabelledOptions = {}): LabelledData {
  const { inputShape, classes } = trainingShape(model);
  const split = options.split ?? trainingSplit(p);
  const ds = openDataset(p, {
    inputShape,
    classes,
    preprocess: options.preprocess,
    labels: options.labels,
    ...(split ? { split } : {}),
    ...(options.labelColumn !== undefined ? { labelColumn: options.labelColumn } : {}),
  });
  const description = ds.describe();
  if (!description.labelled)
    throw new DatasetError(
      `${description.source}: has no labels, and training needs one per sample (${labelHint(description.kind)})`,
    );
  return { samples: ds, classes, source: description.source };
}

function labelHint(kind: string): string {
  switch (kind) {
    case 'idx':
      return 'put the matching *-labels-idx1-ubyte file beside the images';
    case 'npy':
      return 'give the labels .npy too';
    case 'npz':
      return 'store the labels as a y (or labels) array in the .npz';
    case 'csv':
      return 'add a label column';
    default:
      return 'use one subfolder per class, or a labels.csv of file,label rows';
  }
}
