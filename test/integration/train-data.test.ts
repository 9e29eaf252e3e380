// Issue 15: labelled training data from every dataset format Lowbit reads, and the errors (each
// naming the file) for data without labels, labels outside the model's classes and a count
// mismatch between samples and labels.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdxUint8 } from '../../main/engine/datasets/idx';
import { DatasetError } from '../../main/engine/errors';
import { readTflite } from '../../main/engine/tflite/reader';
import { loadLabelledData, trainingSplit } from '../../main/files/labelled-data';
import { craftedPng, npy } from '../support/crafted-datasets';

const DEMO = path.resolve('assets/demo');
const model = readTflite(fs.readFileSync(path.join(DEMO, 'fashion_cnn.tflite')));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-train-data-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array | string): string {
  const f = path.join(tmp, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, bytes);
  return f;
}

/** n 28x28 images whose pixels are their index (so a sample can be told apart). */
const images = (n: number) => Uint8Array.from({ length: n * 784 }, (_v, i) => Math.floor(i / 784));

function error(f: () => unknown): DatasetError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('loadLabelledData', () => {
  it('reads the demo folder from its calibration split (no train split there): 500 labelled images', () => {
    const dir = path.join(DEMO, 'fashion-mnist');
    expect(trainingSplit(dir)).toBe('calibration');
    const d = loadLabelledData(dir, model);
    expect(d.classes).toBe(10);
    expect(d.samples.length).toBe(500);
    expect(d.source).toMatch(/calibration-images-idx3-ubyte\.gz$/);
    const s = d.samples.get(0);
    expect(s.inputs[0]!.length).toBe(784);
    expect(Number.isInteger(s.label)).toBe(true);
  });

  it('picks an IDX folder\u2019s split as lowbit train does: train, else calibration, else t10k', () => {
    // n labelled images per split; the pixels say which split a sample came from.
    const split = (dir: string, name: string, n: number, v: number) => {
      write(`${dir}/${name}-images-idx3-ubyte`, encodeIdxUint8([n, 28, 28], new Uint8Array(n * 784).fill(v)));
      write(`${dir}/${name}-labels-idx1-ubyte`, encodeIdxUint8([n], new Uint8Array(n)));
    };
    for (const [name, n, v] of [
      ['t10k', 2, 1],
      ['calibration', 3, 2],
      ['train', 4, 3],
    ] as const) {
      split('all', name, n, v);
      if (name !== 'train') split('no-train', name, n, v);
      if (name === 't10k') split('t10k-only', name, n, v);
    }
    expect(trainingSplit(path.join(tmp, 'all'))).toBe('train');
    expect(trainingSplit(path.join(tmp, 'no-train'))).toBe('calibration');
    expect(trainingSplit(path.join(tmp, 't10k-only'))).toBe('t10k');
    // What loadLabelledData reads without a split: the same choice.
    const d = loadLabelledData(path.join(tmp, 'all'), model);
    expect(d.samples.length).toBe(4);
    expect(d.source).toMatch(/train-images-idx3-ubyte$/);
    expect(loadLabelledData(path.join(tmp, 'no-train'), model).samples.length).toBe(3);
    // Not an IDX folder, or not a folder: no split.
    expect(trainingSplit(path.join(tmp, 'all', 'train-images-idx3-ubyte'))).toBeUndefined();
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(trainingSplit(path.join(tmp, 'empty'))).toBeUndefined();
  });

  it('an .npz with x and y, and a CSV with a label column', () => {
    const z = zipSync({
      'x.npy': npy('|u1', [3, 28, 28], images(3)),
      'y.npy': npy('<i4', [3], Int32Array.of(9, 0, 4)),
    });
    const d = loadLabelledData(write('xy.npz', z), model);
    expect([0, 1, 2].map((i) => d.samples.get(i).label)).toEqual([9, 0, 4]);
    const rows = [0, 1].map((r) => [r === 0 ? 7 : 2, ...new Array(784).fill(r / 2)].join(','));
    const c = loadLabelledData(
      write(
        'd.csv',
        ['label,' + Array.from({ length: 784 }, (_v, i) => `p${i}`).join(','), ...rows].join('\n'),
      ),
      model,
    );
    expect([c.samples.get(0).label, c.samples.get(1).label]).toEqual([7, 2]);
  });

  it('refuses data without labels, naming the file and what to add', () => {
    const f = write('x-only.npz', zipSync({ 'x.npy': npy('|u1', [2, 28, 28], images(2)) }));
    expect(error(() => loadLabelledData(f, model)).message).toBe(
      `${f}: has no labels, and training needs one per sample (store the labels as a y (or labels) array in the .npz)`,
    );
    const idx = write('lone/train-images-idx3-ubyte', encodeIdxUint8([2, 28, 28], images(2)));
    expect(error(() => loadLabelledData(path.dirname(idx), model)).message).toBe(
      `${idx}: has no labels, and training needs one per sample (put the matching *-labels-idx1-ubyte file beside the images)`,
    );
  });

  it('refuses labels outside the model\u2019s 10 classes, naming the file and the sample', () => {
    const f = write(
      'y12.npz',
      zipSync({
        'x.npy': npy('|u1', [2, 28, 28], images(2)),
        'y.npy': npy('<i4', [2], Int32Array.of(3, 12)),
      }),
    );
    expect(error(() => loadLabelledData(f, model)).message).toBe(
      `${f}: label 12 of sample 1 is out of range 0..9 for a 10-class model`,
    );
  });

  it('refuses a count mismatch between images and labels, naming both files', () => {
    const dir = path.join(tmp, 'mismatch');
    const imgs = write('mismatch/train-images-idx3-ubyte', encodeIdxUint8([3, 28, 28], images(3)));
    const labels = write('mismatch/train-labels-idx1-ubyte', encodeIdxUint8([2], Uint8Array.of(1, 2)));
    expect(error(() => loadLabelledData(dir, model)).message).toBe(
      `${labels}: 2 labels for 3 images in ${imgs}`,
    );
  });

  it('refuses class folders that do not match the model\u2019s classes', () => {
    const dir = path.join(tmp, 'classes');
    // Three class folders (one black 28x28 PNG each) for a 10-class model.
    for (const c of ['a', 'b', 'c']) write(`classes/${c}/x.png`, craftedPng({ width: 28, height: 28 }));
    expect(error(() => loadLabelledData(dir, model)).message).toBe(
      `${dir}: 3 classes (a, b, c) but the model outputs 10`,
    );
  });
});
