/**
 * The crafted cases of issue 18: files made to cost far more than their size (models whose
 * buffers, tensors, names or shapes alias one region, or whose sparse constants share one tiny
 * buffer, from test/support/crafted-models.ts; decompression bombs and aliasing archives, from
 * test/support/crafted-datasets.ts) and paths that are not regular files (/dev/zero, a FIFO).
 * Every fuzz run (`npm run fuzz` and the seeded run in npm test) runs each of them once, under
 * the same time and memory limits as the random cases.
 *
 * Adding a crafted case: a model or dataset file goes in test/support (crafted-models.ts,
 * craftedDatasetFiles()), where its own regression test checks it, and here; anything else is an entry in CRAFTED_CASES whose `prepare`
 * writes what it needs into the case folder (or returns an outside path such as /dev/zero) and
 * returns the path to open.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FILE_SIZE_LIMITS } from '../../main/files/read-file';
import { craftedDatasetFiles } from '../support/crafted-datasets';
import { aliasingModel, sparseFanOutModel, type AliasingOptions } from '../support/crafted-models';
import { emptyNodesModel, externalDataModel, nestedModel } from '../support/crafted-onnx';
import { imageBytes } from './seeds';

export interface CraftedCase {
  name: string;
  /** What the file is and what it would cost unbounded. */
  description: string;
  target: 'model' | 'dataset';
  /** Writes the case into `dir` and returns the path to open. */
  prepare(dir: string): string;
}

function mkfifo(file: string): string {
  execFileSync('mkfifo', [file]);
  return file;
}

const IMAGE = /\.(png|jpe?g|bmp)$/i;

/**
 * A crafted dataset file as a user would give it: an image as the first file of a class folder
 * (beside a valid image in the other class), anything else on its own.
 */
function datasetCase(name: string, bytes: Uint8Array): CraftedCase {
  return {
    name,
    description: `${name} (${bytes.length} bytes, test/support/crafted-datasets.ts)`,
    target: 'dataset',
    prepare: (dir) => {
      if (!IMAGE.test(name)) {
        fs.writeFileSync(path.join(dir, name), bytes);
        return path.join(dir, name);
      }
      fs.mkdirSync(path.join(dir, 'a'));
      fs.mkdirSync(path.join(dir, 'b'));
      fs.writeFileSync(path.join(dir, 'a', name), bytes);
      fs.writeFileSync(path.join(dir, 'b', 'ok.png'), imageBytes('png', 0));
      return dir;
    },
  };
}

/** 160 KiB aliased 20,000 times or more (3.3 GB if copied per reference), in files of 450-730 KB. */
const REGION = 160 * 1024;
const ALIASING_MODELS: [string, AliasingOptions][] = [
  ['tflite-aliased-buffers', { bufferAliases: 24_000, regionBytes: REGION }],
  ['tflite-aliased-tensors', { tensorAliases: 20_000, regionBytes: REGION }],
  ['tflite-aliased-names', { nameAliases: 20_000, regionBytes: REGION }],
  ['tflite-aliased-shapes', { shapeAliases: 20_000, regionBytes: REGION }],
];

function modelCase(name: string, description: string, bytes: Uint8Array, extension = '.tflite'): CraftedCase {
  return {
    name,
    description: `${description}, ${bytes.length} bytes`,
    target: 'model',
    prepare: (dir) => {
      fs.writeFileSync(path.join(dir, `${name}${extension}`), bytes);
      return path.join(dir, `${name}${extension}`);
    },
  };
}

/**
 * ONNX models whose cost is not their size, and external data that leads out: an ONNX model
 * with a symbolic link beside it to a file outside the case folder, and one whose 3 GB of
 * external weights are a sparse file (only a model that reads lazily stays under the limits).
 */
const ONNX_CASES: CraftedCase[] = [
  modelCase(
    'onnx-empty-nodes',
    'emptyNodesModel(2^21): 4 MiB of empty NodeProtos, ~700 MB decoded',
    emptyNodesModel(2 ** 21),
    '.onnx',
  ),
  modelCase('onnx-nested-graphs', 'nestedModel(200): subgraphs 200 deep', nestedModel(200), '.onnx'),
  {
    name: 'onnx-external-symlink-out',
    description: 'external data through a symbolic link to /etc/passwd',
    target: 'model',
    prepare: (dir) => {
      fs.symlinkSync('/etc/passwd', path.join(dir, 'weights.bin'));
      fs.writeFileSync(path.join(dir, 'model.onnx'), externalDataModel('weights.bin', [4]));
      return path.join(dir, 'model.onnx');
    },
  },
  {
    name: 'onnx-external-sparse-3gb',
    description: 'a model whose 3 GB of external weights are one sparse file',
    target: 'model',
    prepare: (dir) => {
      const fd = fs.openSync(path.join(dir, 'weights.bin'), 'w');
      fs.ftruncateSync(fd, 3 * 2 ** 30);
      fs.closeSync(fd);
      fs.writeFileSync(path.join(dir, 'model.onnx'), externalDataModel('weights.bin', [3 * 2 ** 28]));
      return path.join(dir, 'model.onnx');
    },
  },
];

export const CRAFTED_CASES: readonly CraftedCase[] = [
  ...ALIASING_MODELS.map(([name, options]) =>
    modelCase(name, `aliasingModel(${JSON.stringify(options)})`, aliasingModel(options)),
  ),
  modelCase(
    'tflite-sparse-fan-out',
    'sparseFanOutModel(100, [2048, 2048]): 1.6 GB densified',
    sparseFanOutModel(100, [2048, 2048]),
  ),
  {
    name: 'dev-zero-model',
    description: '/dev/zero as a model',
    target: 'model',
    prepare: () => '/dev/zero',
  },
  {
    name: 'dev-zero-dataset',
    description: '/dev/zero as a dataset',
    target: 'dataset',
    prepare: () => '/dev/zero',
  },
  {
    name: 'fifo-model',
    description: 'a FIFO (no writer) named model.tflite',
    target: 'model',
    prepare: (dir) => mkfifo(path.join(dir, 'model.tflite')),
  },
  {
    name: 'fifo-dataset',
    description: 'a FIFO (no writer) named data.npy',
    target: 'dataset',
    prepare: (dir) => mkfifo(path.join(dir, 'data.npy')),
  },
  ...ONNX_CASES,
  ...craftedDatasetFiles().map((f) => datasetCase(f.name, f.bytes)),
  {
    name: 'labels-csv-many-rows',
    description: `a flat image folder whose labels.csv is ${FILE_SIZE_LIMITS.labels} bytes of short rows (the size limit) naming a missing image`,
    target: 'dataset',
    prepare: (dir) => {
      fs.writeFileSync(path.join(dir, 'a.png'), imageBytes('png', 0));
      fs.writeFileSync(path.join(dir, 'labels.csv'), 'b.png,1\n'.repeat(FILE_SIZE_LIMITS.labels / 8));
      return dir;
    },
  },
];
