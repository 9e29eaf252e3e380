/**
 * Locating and reading MNIST-style IDX pairs on disk: a directory with the standard file names
 * (train-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz], ...; also the "images.idx3-ubyte"
 * spelling), or explicit images + labels paths. Decoding itself is the engine's (pure) job.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeIdxImages, type IdxImageSet, type IdxSplit } from '../engine/datasets/idx';
import { DatasetError } from '../engine/errors';
import { readFileBytes } from './read-file';

/** Debian's dataset-fashion-mnist package. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const NAME = /^(train|t10k|test|calibration)-(images|labels)[.-]idx([13])-ubyte(\.gz)?$/i;

/** The images and labels files of one split in `dir`, or null when the directory has none. */
export function findIdxPair(dir: string, split: IdxSplit): { images: string; labels: string | null } | null {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return null;
  }
  const want = (kind: 'images' | 'labels') =>
    names.find((n) => {
      const m = NAME.exec(n);
      if (!m) return false;
      const s = m[1].toLowerCase() === 'test' ? 't10k' : m[1].toLowerCase();
      return s === split && m[2].toLowerCase() === kind;
    });
  const images = want('images');
  if (!images) return null;
  const labels = want('labels');
  return { images: path.join(dir, images), labels: labels ? path.join(dir, labels) : null };
}

/** True when `dir` holds at least one IDX images file with a standard name. */
export function isIdxDirectory(dir: string): boolean {
  return (
    findIdxPair(dir, 't10k') !== null ||
    findIdxPair(dir, 'train') !== null ||
    findIdxPair(dir, 'calibration') !== null
  );
}

/** Reads and checks an images (+ labels) pair; errors name the offending file. */
export function readIdxPair(images: string, labels: string | null): IdxImageSet {
  const set = decodeIdxImages(
    readFileBytes(images, 'dataset'),
    labels ? readFileBytes(labels, 'dataset') : null,
    {
      images,
      labels: labels ?? undefined,
    },
  );
  if (set.count === 0) throw new DatasetError(`${images}: the dataset is empty (0 images)`);
  return set;
}

/** Reads one split of a directory; the test split (t10k) is the default for evaluation. */
export function readIdxDirectory(
  dir: string,
  split: IdxSplit = 't10k',
): IdxImageSet & { images: string; labelsFile: string | null } {
  const pair = findIdxPair(dir, split);
  if (!pair) throw new DatasetError(`${dir}: no ${split}-images-idx3-ubyte[.gz] file in this directory`);
  return { ...readIdxPair(pair.images, pair.labels), images: pair.images, labelsFile: pair.labels };
}
