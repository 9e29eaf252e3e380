/**
 * The Dataset interface that evaluation, calibration and the UI consume, and the in-memory
 * implementations built from decoded arrays. Samples are preprocessed lazily in get(i), so a
 * 10,000-image set costs its raw bytes, not 10,000 float tensors.
 */
import { DatasetError } from '../errors';
import type { IdxImageSet } from './idx';
import { preprocessImage, preprocessValues, type ResolvedPreprocess } from './preprocess';
import type { Sample, SampleSet } from './samples';

export interface DatasetDescription {
  kind: string;
  source: string;
  count: number;
  classes?: string[];
  labelled: boolean;
  /** Shape of one raw sample as stored (e.g. [28, 28] for an IDX image). */
  sampleShape: number[];
  /** Shape fed to the model. */
  inputShape: number[];
  /** Range of the raw stored values (uint8 images: 0..255), when known without decoding everything. */
  valueRange?: [number, number];
  preprocess?: string;
}

/** Samples from one source for a single-input model (get(i).inputs has one array), described. */
export interface Dataset extends SampleSet {
  readonly classes?: string[];
  describe(): DatasetDescription;
}

function checkIndex(ds: { length: number }, i: number, source: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= ds.length)
    throw new DatasetError(`${source}: sample ${i} does not exist (${ds.length} samples)`);
}

/** Images from an IDX pair (MNIST / Fashion-MNIST layout). */
export class IdxDataset implements Dataset {
  readonly length: number;
  private readonly pixelsPer: number;

  constructor(
    private readonly set: IdxImageSet,
    private readonly pre: ResolvedPreprocess,
    private readonly source: string,
    readonly classes?: string[],
  ) {
    this.length = set.count;
    this.pixelsPer = set.height * set.width * set.channels;
  }

  get(i: number): Sample {
    checkIndex(this, i, this.source);
    const { width, height, channels } = this.set;
    const data = this.set.pixels.subarray(i * this.pixelsPer, (i + 1) * this.pixelsPer);
    const where = `${this.source}#${i}`;
    const input = preprocessImage({ width, height, channels, data, maxValue: 255 }, this.pre, where);
    return { inputs: [input], label: this.set.labels ? this.set.labels[i] : undefined, source: where };
  }

  describe(): DatasetDescription {
    const s = this.set;
    let lo = 255;
    let hi = 0;
    for (let k = 0; k < s.pixels.length; k++) {
      const v = s.pixels[k];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return {
      kind: 'idx',
      source: this.source,
      count: s.count,
      classes: this.classes,
      labelled: s.labels !== null,
      sampleShape: s.channels === 1 ? [s.height, s.width] : [s.height, s.width, s.channels],
      inputShape: [...this.pre.shape],
      valueRange: s.count ? [lo, hi] : undefined,
    };
  }
}

/** Numeric samples held in one array ([N, ...sampleShape]) with optional labels (.npy/.npz/CSV). */
export class ArrayDataset implements Dataset {
  readonly length: number;
  private readonly per: number;

  constructor(
    private readonly x: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
    private readonly sampleShape: number[],
    private readonly labels: ArrayLike<number> | null,
    private readonly pre: ResolvedPreprocess,
    private readonly maxValue: number,
    private readonly source: string,
    private readonly kind: string,
    readonly classes?: string[],
  ) {
    this.per = sampleShape.reduce((a, b) => a * b, 1);
    this.length = this.per === 0 ? 0 : Math.floor(x.length / this.per);
  }

  get(i: number): Sample {
    checkIndex(this, i, this.source);
    const where = `${this.source}#${i}`;
    const values = this.x.subarray(i * this.per, (i + 1) * this.per);
    const input = preprocessValues(values, this.sampleShape, this.pre, this.maxValue, where);
    return { inputs: [input], label: this.labels ? Number(this.labels[i]) : undefined, source: where };
  }

  describe(): DatasetDescription {
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < this.x.length; k++) {
      const v = this.x[k];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return {
      kind: this.kind,
      source: this.source,
      count: this.length,
      classes: this.classes,
      labelled: this.labels !== null,
      sampleShape: [...this.sampleShape],
      inputShape: [...this.pre.shape],
      valueRange: this.length ? [lo, hi] : undefined,
    };
  }
}

/**
 * Checks a dataset against a model before any long work: not empty, labels (when present) in
 * 0..classes-1, class names (when known) as many as the model's outputs, and the first sample
 * decodes to the model's input size. Throws DatasetError naming the source and the reason.
 */
export function validateDataset(
  ds: Dataset,
  modelClasses: number | null,
  inputElements: number,
  labels?: ArrayLike<number> | null,
): void {
  const src = ds.describe().source;
  if (ds.length === 0) throw new DatasetError(`${src}: the dataset is empty`);
  if (modelClasses !== null && ds.classes && ds.classes.length !== modelClasses)
    throw new DatasetError(
      `${src}: ${ds.classes.length} classes (${ds.classes.join(', ')}) but the model outputs ${modelClasses}`,
    );
  if (modelClasses !== null && labels) {
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i];
      if (!Number.isInteger(l) || l < 0 || l >= modelClasses)
        throw new DatasetError(
          `${src}: label ${l} of sample ${i} is out of range 0..${modelClasses - 1} for a ${modelClasses}-class model`,
        );
    }
  }
  const first = ds.get(0);
  const values = first.inputs[0]!.length;
  if (values !== inputElements)
    throw new DatasetError(
      `${first.source ?? src}: preprocesses to ${values} values, the model input takes ${inputElements}`,
    );
}
