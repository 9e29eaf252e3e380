/**
 * How a dataset is reopened: the services open a dataset once to validate it and keep this spec;
 * an optimize job (in its own worker thread) reopens the same files from the spec.
 */
import { openDataset } from '../../files/dataset-open';
import type { Dataset } from '../../engine/datasets/dataset';
import type { Sample } from '../../engine/datasets/samples';
import type { IdxSplit } from '../../engine/datasets/idx';
import type { PreprocessSpec } from '../../engine/datasets/preprocess';

export interface DatasetSpec {
  path: string;
  /** The user's preprocessing ({} for the defaults from the model input). */
  preprocess: PreprocessSpec;
  split?: IdxSplit;
  /** False: labels are ignored (the user called this an unlabelled sample). */
  labelled: boolean;
  inputShape: number[];
  /** The model's class count (last dimension of its first output), checked against the labels. */
  classes?: number;
}

/** Opens (and validates) the dataset a spec describes; DatasetError names the file on failure. */
export function openFromSpec(spec: DatasetSpec): Dataset {
  const ds = openDataset(spec.path, {
    inputShape: spec.inputShape,
    preprocess: spec.preprocess,
    classes: spec.labelled ? spec.classes : undefined,
    split: spec.split,
  });
  return spec.labelled ? ds : withoutLabels(ds);
}

/** The same samples with labels dropped, for data the user says is unlabelled. */
export function withoutLabels(ds: Dataset): Dataset {
  return {
    length: ds.length,
    get: (i: number): Sample => {
      const { inputs, source } = ds.get(i);
      return { inputs, source };
    },
    describe: () => ({ ...ds.describe(), labelled: false, classes: undefined }),
  };
}
