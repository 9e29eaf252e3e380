/**
 * The fuzzer's seeds: real models (../shared/models, the conformance models, assets/demo) and
 * small valid dataset and tensor files generated here, one layout per format the way a user
 * would give it (an IDX folder, a gzipped IDX file, x.npy with y.npy, an npz, a CSV, a flat
 * image folder with labels.csv, class folders of PNG, JPEG or BMP images).
 *
 * Adding a dataset format: add its id to DATASET_FORMATS and a layout to datasetSeed; every
 * file in `mutable` is a place a mutation may land, with the container its bytes are in.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { encode as encodeBmp } from 'bmp-ts';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { encode as encodeJpeg } from 'jpeg-js';
import { encodeIdxUint8 } from '../../main/engine/datasets/idx';
import type { PreprocessSpec } from '../../main/engine/datasets/preprocess';
import type { DType } from '../../main/engine/tensor/dtype';
import { npy } from '../support/crafted-datasets';
import { ROOT, sharedModelPaths, sharedPath } from '../support/shared';
import type { MutationFormat } from './mutators';

/** Models bigger than this are left out: one invoke of them (deeplab) takes seconds. */
const MAX_SEED_MODEL_BYTES = 600_000;

/** Every seed model's path, sorted (the order is part of a case's identity). */
export function seedModelPaths(): string[] {
  const walk = (dir: string, out: string[]) => {
    if (!fs.existsSync(dir)) return out;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, out);
      else if (e.name.endsWith('.tflite') && fs.statSync(p).size <= MAX_SEED_MODEL_BYTES) out.push(p);
    }
    return out;
  };
  const all = [
    ...walk(sharedPath('models'), []),
    ...sharedModelPaths().filter((p) => fs.statSync(p).size <= MAX_SEED_MODEL_BYTES),
    ...walk(path.join(ROOT, 'assets', 'demo'), []),
  ];
  return [...new Set(all)].sort();
}

/** ONNX's backend node tests (Debian libonnx-testdata): one small model per op and attribute set. */
export const ONNX_NODE_TEST_DIR = '/usr/include/onnx/backend/test/data/node';

/**
 * ONNX seeds, sorted: every node-test model (when libonnx-testdata is installed) and the
 * committed PyTorch exports under test/fixtures/onnx.
 */
export function onnxSeedPaths(): string[] {
  const nodeTests = fs.existsSync(ONNX_NODE_TEST_DIR)
    ? fs.readdirSync(ONNX_NODE_TEST_DIR).map((d) => path.join(ONNX_NODE_TEST_DIR, d, 'model.onnx'))
    : [];
  const fixtures = path.join(ROOT, 'test', 'fixtures', 'onnx');
  const exported = fs.existsSync(fixtures)
    ? fs
        .readdirSync(fixtures)
        .filter((f) => f.endsWith('.onnx'))
        .map((f) => path.join(fixtures, f))
    : [];
  return [...nodeTests.filter((p) => fs.existsSync(p)), ...exported].sort();
}

/** The model input every dataset seed fits: 4 samples of 4x4 gray, 2 classes. */
export const DATASET_MODEL: DatasetModel = { inputShape: [1, 4, 4, 1], classes: 2 };

/** Other models a dataset may be opened for, and preprocessing a user may ask for. */
export const DATASET_MODEL_VARIANTS: readonly DatasetModel[] = [
  { inputShape: [1, 4, 4, 3], classes: 2 },
  { inputShape: [1, 16], classes: 2 },
  {
    inputShape: [1, 8, 8, 1],
    classes: 10,
    preprocess: { resize: { height: 8, width: 8 }, interpolation: 'bilinear' },
  },
  { inputShape: [1, 3, 4, 4], classes: 2, preprocess: { layout: 'nchw', color: 'rgb', scale: '-1..1' } },
  { inputShape: [1, 2, 2, 1], classes: 2, preprocess: { scale: 'none', mean: [0.5], std: [0.25] } },
  { inputShape: [1, 4, 4, 1], classes: 1 },
];

export interface DatasetModel {
  inputShape: number[];
  classes: number;
  preprocess?: PreprocessSpec;
}

export const DATASET_FORMATS = [
  'idx',
  'idx-gz',
  'npy',
  'npz',
  'csv',
  'labels-csv',
  'png',
  'jpeg',
  'bmp',
] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** Files to write in the case folder, what to open, and which files mutations may touch. */
export interface DatasetLayout {
  files: Record<string, Uint8Array>;
  /** Path to open, relative to the case folder ('.' for the folder itself). */
  open: string;
  /** Files a mutation may change, with the container format of their bytes. */
  mutable: Record<string, MutationFormat>;
  /** openDataset options beyond DATASET_MODEL (file names relative to the case folder). */
  labels?: string;
  labelColumn?: string | number | null;
}

const SAMPLES = 4;
const PIXELS = Uint8Array.from({ length: SAMPLES * 16 }, (_, i) => (i * 37) & 255);
const LABELS = Uint8Array.of(0, 1, 1, 0);

const image = (k: number) => PIXELS.subarray(16 * k, 16 * k + 16);

function rgba(gray: Uint8Array): Uint8Array {
  const out = new Uint8Array(gray.length * 4);
  gray.forEach((v, i) => out.set([v, v, v, 255], 4 * i));
  return out;
}

/** Sample k of the seed datasets as a 4x4 gray image file. */
export function imageBytes(format: 'png' | 'jpeg' | 'bmp', k: number): Uint8Array {
  if (format === 'png') return encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: image(k) });
  if (format === 'jpeg')
    return new Uint8Array(encodeJpeg({ width: 4, height: 4, data: rgba(image(k)) }, 90).data);
  const abgr = Buffer.alloc(64);
  image(k).forEach((v, i) => abgr.set([255, v, v, v], 4 * i));
  return new Uint8Array(encodeBmp({ width: 4, height: 4, data: abgr, bitPP: 24 }).data);
}

const IMAGE_EXT = { png: 'png', jpeg: 'jpg', bmp: 'bmp' } as const;

/** A valid dataset of the format, laid out as a user would give it. */
export function datasetSeed(format: DatasetFormat): DatasetLayout {
  const images = encodeIdxUint8([SAMPLES, 4, 4], PIXELS);
  const labels = encodeIdxUint8([SAMPLES], LABELS);
  switch (format) {
    case 'idx':
      return {
        files: { 't10k-images-idx3-ubyte': images, 't10k-labels-idx1-ubyte': labels },
        open: '.',
        mutable: { 't10k-images-idx3-ubyte': 'idx', 't10k-labels-idx1-ubyte': 'idx' },
      };
    case 'idx-gz':
      return {
        files: {
          'images.idx3-ubyte.gz': zlib.gzipSync(images),
          'labels.idx1-ubyte.gz': zlib.gzipSync(labels),
        },
        open: 'images.idx3-ubyte.gz',
        mutable: { 'images.idx3-ubyte.gz': 'gzip', 'labels.idx1-ubyte.gz': 'gzip' },
      };
    case 'npy':
      return {
        files: {
          'x.npy': npy('|u1', [SAMPLES, 4, 4], PIXELS),
          'y.npy': npy('<i8', [SAMPLES], BigInt64Array.from(LABELS, BigInt)),
        },
        open: 'x.npy',
        labels: 'y.npy',
        mutable: { 'x.npy': 'npy', 'y.npy': 'npy' },
      };
    case 'npz':
      return {
        files: {
          'data.npz': zipSync({
            'x.npy': npy(
              '<f4',
              [SAMPLES, 16],
              Float32Array.from(PIXELS, (v) => v / 255),
            ),
            'y.npy': npy('<i4', [SAMPLES], Int32Array.from(LABELS)),
          }),
        },
        open: 'data.npz',
        mutable: { 'data.npz': 'zip' },
      };
    case 'csv': {
      const rows = Array.from(
        { length: SAMPLES },
        (_, k) => [...image(k)].map((v) => v / 255).join(',') + `,${LABELS[k]}`,
      );
      const header = [...Array.from({ length: 16 }, (_, i) => `p${i}`), 'label'].join(',');
      return {
        files: { 'data.csv': new TextEncoder().encode([header, ...rows].join('\n') + '\n') },
        open: 'data.csv',
        labelColumn: 'last',
        mutable: { 'data.csv': 'text' },
      };
    }
    case 'labels-csv': {
      const files: Record<string, Uint8Array> = {};
      for (let k = 0; k < SAMPLES; k++) files[`img${k}.png`] = imageBytes('png', k);
      files['labels.csv'] = new TextEncoder().encode(
        'file,label\n' +
          Array.from({ length: SAMPLES }, (_, k) => `img${k}.png,${LABELS[k]}`).join('\n') +
          '\n',
      );
      return { files, open: '.', mutable: { 'labels.csv': 'text', 'img0.png': 'png' } };
    }
    default: {
      const files: Record<string, Uint8Array> = {};
      for (let k = 0; k < SAMPLES; k++)
        files[`${LABELS[k] ? 'b' : 'a'}/img${k}.${IMAGE_EXT[format]}`] = imageBytes(format, k);
      const first = `a/img0.${IMAGE_EXT[format]}`;
      return { files, open: '.', mutable: { [first]: format, [`b/img1.${IMAGE_EXT[format]}`]: format } };
    }
  }
}

/** `lowbit run --input` files: the tensor each one is for, and the file as a user gives it. */
export const TENSOR_FORMATS = ['tensor-npy', 'tensor-bin', 'tensor-csv'] as const;
export type TensorFormat = (typeof TENSOR_FORMATS)[number];

export interface TensorSeed {
  name: string;
  bytes: Uint8Array;
  dtype: DType;
  shape: number[];
  mutation: MutationFormat;
}

const TENSORS: { dtype: DType; shape: number[]; descr: string; make: (n: number) => ArrayBufferView }[] = [
  {
    dtype: 'float32',
    shape: [1, 4, 4, 1],
    descr: '<f4',
    make: (n) => Float32Array.from({ length: n }, (_, i) => i / 7),
  },
  {
    dtype: 'int8',
    shape: [1, 16],
    descr: '|i1',
    make: (n) => Int8Array.from({ length: n }, (_, i) => i - 8),
  },
  {
    dtype: 'uint8',
    shape: [2, 3],
    descr: '|u1',
    make: (n) => Uint8Array.from({ length: n }, (_, i) => i * 40),
  },
  {
    dtype: 'int32',
    shape: [3],
    descr: '<i4',
    make: (n) => Int32Array.from({ length: n }, (_, i) => i * 1000 - 1),
  },
  {
    dtype: 'int64',
    shape: [2, 2],
    descr: '<i8',
    make: (n) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
  },
];

/** Seed k (any integer) of a tensor-file format. */
export function tensorSeed(format: TensorFormat, k: number): TensorSeed {
  const t = TENSORS[((k % TENSORS.length) + TENSORS.length) % TENSORS.length]!;
  const n = t.shape.reduce((a, b) => a * b, 1);
  const data = t.make(n);
  const base = { dtype: t.dtype, shape: t.shape };
  if (format === 'tensor-npy')
    return { ...base, name: 'input.npy', bytes: npy(t.descr, t.shape, data), mutation: 'npy' };
  if (format === 'tensor-bin')
    return {
      ...base,
      name: 'input.bin',
      bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      mutation: 'raw',
    };
  const text = Array.from(data as unknown as ArrayLike<number | bigint>, String).join(',');
  return { ...base, name: 'input.csv', bytes: new TextEncoder().encode(text + '\n'), mutation: 'text' };
}
