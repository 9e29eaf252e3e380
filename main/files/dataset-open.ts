/**
 * Opens a dataset from a path, whatever its kind, for one model input:
 *   - a directory of IDX files with the standard names (MNIST / Fashion-MNIST; split t10k by default)
 *   - an IDX images file (its labels file is found by replacing "images" with "labels", or given)
 *   - an image folder: one subfolder per class (labels by sorted class name), or a flat folder of
 *     images with a labels CSV (`file,label`; labels.csv in the folder, or given), or unlabelled
 *   - a .npy (inputs; labels from a second .npy given as `labels`) or an .npz (x and y arrays)
 *   - a CSV of numbers (optional header, optional label column)
 * Every check that can be made up front is made here, before any long work: empty datasets,
 * unreadable or non-image files, label/sample count mismatches, labels out of range, a class
 * count different from the model's, and the first sample's fit to the model input. Errors are
 * DatasetErrors naming the file and the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  npzInputsAndLabels,
  labelsFromArray,
  parseCsvTable,
  parseLabelsCsv,
  parseNpz,
} from '../engine/datasets/arrays';
import {
  ArrayDataset,
  IdxDataset,
  validateDataset,
  type Dataset,
  type DatasetDescription,
} from '../engine/datasets/dataset';
import type { Sample } from '../engine/datasets/samples';
import { isGzip } from '../engine/datasets/gzip';
import { decodeImage, sniffImage } from '../engine/datasets/image';
import {
  formatPreprocess,
  preprocessImage,
  resolvePreprocess,
  type PreprocessSpec,
  type ResolvedPreprocess,
} from '../engine/datasets/preprocess';
import { DatasetError, LowbitError } from '../engine/errors';
import { isInside } from './inside';
import { isNpy, npyNumbers, parseNpy } from '../engine/tensor/tensor-files';
import { readFileBytes, readFileHead, readFileText } from './read-file';
import type { IdxSplit } from '../engine/datasets/idx';
import { findIdxPair, FASHION_MNIST_CLASSES, readIdxPair } from './idx-files';

export interface OpenOptions {
  /** The model input shape, e.g. [1, 28, 28, 1]. */
  inputShape: number[];
  preprocess?: PreprocessSpec;
  /** The model's number of output classes: labels and class folders are checked against it. */
  classes?: number;
  /** IDX directories: which split (default t10k). */
  split?: IdxSplit;
  /** Labels file: IDX labels, a labels .npy, or a `file,label` CSV for a flat image folder. */
  labels?: string;
  /** CSV: label column (name, index, 'first', 'last'; null for none). */
  labelColumn?: string | number | null;
}

const IMAGE_EXT = /\.(png|jpe?g|bmp)$/i;

export function openDataset(p: string, options: OpenOptions): Dataset {
  const pre = resolvePreprocess(options.preprocess ?? {}, options.inputShape);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new DatasetError(`${p}: no such file or directory`);
  }
  const ds = stat.isDirectory() ? openDirectory(p, pre, options) : openFile(p, pre, options);
  check(ds, pre, options);
  return ds;
}

function check(
  ds: Dataset & { labelArray?: ArrayLike<number> | null },
  pre: ResolvedPreprocess,
  options: OpenOptions,
): void {
  try {
    validateDataset(ds, options.classes ?? null, pre.elements, ds.labelArray ?? null);
  } catch (e) {
    // A first sample that does not fit the model is a property of the dataset: report it as one.
    if (e instanceof LowbitError && !(e instanceof DatasetError)) throw new DatasetError(e.message);
    throw e;
  }
}

function openFile(p: string, pre: ResolvedPreprocess, options: OpenOptions): Dataset {
  const bytes = readFileBytes(p, 'dataset');
  if (isNpy(bytes)) return npyDataset(p, bytes, pre, options);
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) return npzDataset(p, bytes, pre);
  if (
    isGzip(bytes) ||
    (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] >= 8 && bytes[2] <= 0x0e)
  ) {
    let labels = options.labels ?? null;
    if (!labels) {
      const guess = path.join(
        path.dirname(p),
        path
          .basename(p)
          .replace(/images/i, 'labels')
          .replace('idx3', 'idx1'),
      );
      if (guess !== p && fs.existsSync(guess)) labels = guess;
    }
    const set = readIdxPair(p, labels);
    return withLabels(new IdxDataset(set, pre, p), set.labels);
  }
  if (sniffImage(bytes)) throw new DatasetError(`${p}: a single image is not a dataset; give its folder`);
  return csvDataset(p, bytes, pre, options);
}

function withLabels<T extends Dataset>(
  ds: T,
  labels: ArrayLike<number> | null,
): T & { labelArray: ArrayLike<number> | null } {
  return Object.assign(ds, { labelArray: labels });
}

function openDirectory(dir: string, pre: ResolvedPreprocess, options: OpenOptions): Dataset {
  const split = options.split ?? 't10k';
  const pair = findIdxPair(dir, split);
  if (pair) {
    const set = readIdxPair(pair.images, options.labels ?? pair.labels);
    const fashion = set.height === 28 && set.width === 28 && options.classes === 10 && /fashion/i.test(dir);
    return withLabels(
      new IdxDataset(set, pre, pair.images, fashion ? FASHION_MNIST_CLASSES : undefined),
      set.labels,
    );
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new DatasetError(`${dir}: cannot read the directory (${(e as Error).message})`);
  }
  const subdirs = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const images = entries
    .filter((e) => e.isFile() && IMAGE_EXT.test(e.name))
    .map((e) => e.name)
    .sort();
  if (subdirs.length > 0 && images.length === 0) {
    const files: { file: string; label: number }[] = [];
    subdirs.forEach((cls, label) => {
      const names = fs
        .readdirSync(path.join(dir, cls))
        .filter((n) => IMAGE_EXT.test(n))
        .sort();
      if (names.length === 0)
        throw new DatasetError(
          `${path.join(dir, cls)}: class folder "${cls}" has no PNG, JPEG or BMP images`,
        );
      for (const n of names) files.push({ file: path.join(dir, cls, n), label });
    });
    return new ImageFolderDataset(dir, files, pre, subdirs);
  }
  if (images.length === 0) {
    // IDX files of other splits: say so, rather than "empty" (a folder with t10k only, opened for training)
    const splits = (['train', 'calibration', 't10k'] as const).filter(
      (s) => s !== split && findIdxPair(dir, s),
    );
    if (splits.length > 0)
      throw new DatasetError(
        `${dir}: no ${split} split here (IDX files for ${splits.join(' and ')} only): choose ${splits.length === 1 ? `the ${splits[0]} split` : 'one of them'}`,
      );
    const other = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
    throw new DatasetError(
      `${dir}: the dataset is empty: no images (.png, .jpg, .bmp), class subfolders or IDX files${other.length ? ` (found ${other.slice(0, 5).join(', ')})` : ''}`,
    );
  }
  const labelsFile =
    options.labels ?? (fs.existsSync(path.join(dir, 'labels.csv')) ? path.join(dir, 'labels.csv') : null);
  if (!labelsFile)
    return new ImageFolderDataset(
      dir,
      images.map((n) => ({ file: path.join(dir, n) })),
      pre,
    );
  const table = parseLabelsCsv(readFileText(labelsFile, 'labels'), labelsFile);
  const numeric = table.labels.every((l) => /^\d+$/.test(l));
  const classes = numeric ? undefined : [...new Set(table.labels)].sort();
  const files = table.files.map((f, i) => {
    const file = path.resolve(dir, f);
    // Errors name the row, never the text it holds; a name leading out of the folder (`..`,
    // an absolute path) is refused before anything looks at it.
    const named = `on data row ${i + 1}`;
    if (file === path.resolve(dir) || !isInside(file, dir))
      throw new DatasetError(
        `${labelsFile}: the file ${named} is outside ${dir}: list files in the folder only`,
      );
    if (!fs.existsSync(file)) throw new DatasetError(`${labelsFile}: lists ${named}, which is not in ${dir}`);
    const l = table.labels[i];
    return { file, label: numeric ? Number(l) : classes!.indexOf(l) };
  });
  return new ImageFolderDataset(dir, files, pre, classes);
}

/** Images read and decoded one at a time, in get(i). */
export class ImageFolderDataset implements Dataset {
  readonly length: number;
  readonly labelArray: Int32Array | null;

  constructor(
    private readonly dir: string,
    private readonly files: { file: string; label?: number }[],
    private readonly pre: ResolvedPreprocess,
    readonly classes?: string[],
  ) {
    this.length = files.length;
    this.labelArray = files.every((f) => f.label !== undefined)
      ? Int32Array.from(files, (f) => f.label!)
      : null;
    // Cheap up-front check of every file's signature (first bytes only), so a stray or broken
    // file is reported before a long evaluation rather than in the middle of it.
    for (const { file } of files) {
      if (!sniffImage(readFileHead(file, 8, 'image')))
        throw new DatasetError(`${file}: not a PNG, JPEG or BMP image (unrecognised signature)`);
    }
  }

  get(i: number): Sample {
    if (!Number.isInteger(i) || i < 0 || i >= this.length)
      throw new DatasetError(`${this.dir}: sample ${i} does not exist (${this.length} samples)`);
    const { file, label } = this.files[i];
    const img = decodeImage(readFileBytes(file, 'image'), file);
    return { inputs: [preprocessImage(img, this.pre, file)], label, source: file };
  }

  describe(): DatasetDescription {
    return {
      kind: 'image-folder',
      source: this.dir,
      count: this.length,
      classes: this.classes,
      labelled: this.labelArray !== null,
      sampleShape: [],
      inputShape: [...this.pre.shape],
      preprocess: formatPreprocess({
        resize: { height: this.pre.height, width: this.pre.width },
        color: this.pre.channels === 1 ? 'gray' : 'rgb',
        scale: this.pre.scale,
        layout: this.pre.layout,
      }),
    };
  }
}

function maxValueFor(dtype: string): number {
  return dtype === 'uint8' ? 255 : dtype === 'uint16' ? 65535 : 1;
}

function npyDataset(p: string, bytes: Uint8Array, pre: ResolvedPreprocess, options: OpenOptions): Dataset {
  const x = parseNpy(bytes, p);
  if (x.shape.length < 1 || x.shape[0] === 0)
    throw new DatasetError(`${p}: the dataset is empty (shape [${x.shape.join(',')}])`);
  const sampleShape = x.shape.slice(1);
  let labels: Int32Array | null = null;
  if (options.labels)
    labels = labelsFromArray(
      parseNpy(readFileBytes(options.labels, 'dataset'), options.labels),
      x.shape[0],
      options.labels,
    );
  checkSampleShape(p, sampleShape, pre);
  return withLabels(
    new ArrayDataset(npyNumbers(x, p), sampleShape, labels, pre, maxValueFor(x.dtype), p, 'npy'),
    labels,
  );
}

function npzDataset(p: string, bytes: Uint8Array, pre: ResolvedPreprocess): Dataset {
  const { x, y, names } = npzInputsAndLabels(parseNpz(bytes, p), p);
  if (x.shape.length < 1 || x.shape[0] === 0)
    throw new DatasetError(`${p}: the dataset is empty (${names[0]} has shape [${x.shape.join(',')}])`);
  const sampleShape = x.shape.slice(1);
  const labels = y ? labelsFromArray(y, x.shape[0], `${p}:${names[1]}`) : null;
  checkSampleShape(`${p}:${names[0]}`, sampleShape, pre);
  return withLabels(
    new ArrayDataset(
      npyNumbers(x, `${p}:${names[0]}`),
      sampleShape,
      labels,
      pre,
      maxValueFor(x.dtype),
      p,
      'npz',
    ),
    labels,
  );
}

/** A sample must either hold exactly the model's element count or be an HxW(xC) image. */
function checkSampleShape(what: string, sampleShape: number[], pre: ResolvedPreprocess): void {
  const n = sampleShape.reduce((a, b) => a * b, 1);
  const image =
    (sampleShape.length === 2 || sampleShape.length === 3) && [1, 3, 4].includes(sampleShape[2] ?? 1);
  if (n !== pre.elements && !image)
    throw new DatasetError(
      `${what}: samples have shape [${sampleShape.join(',')}] (${n} values), which does not fit the model input [${pre.shape.join(',')}] (${pre.elements} values)`,
    );
}

function csvDataset(p: string, bytes: Uint8Array, pre: ResolvedPreprocess, options: OpenOptions): Dataset {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetError(
      `${p}: not a dataset: unknown binary format (expected IDX, .npy, .npz, CSV or an image folder)`,
    );
  }
  const t = parseCsvTable(text, p, { labelColumn: options.labelColumn });
  checkSampleShape(p, [t.columns], pre);
  return withLabels(new ArrayDataset(t.values, [t.columns], t.labels, pre, 1, p, 'csv', t.classes), t.labels);
}
