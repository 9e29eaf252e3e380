// Issue 5: dataset sources on disk (image folders, flat folder + labels CSV, .npy/.npz, CSV,
// IDX) and the errors for bad datasets: each names the file and the reason, nothing is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdxUint8 } from '../../main/engine/datasets/idx';
import { representativeSamples } from '../../main/engine/datasets/samples';
import { DatasetError } from '../../main/engine/errors';
import { openDataset } from '../../main/files/dataset-open';
import { npy } from '../support/crafted-datasets';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-ds-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function dir(name: string, files: Record<string, Uint8Array | string>): string {
  const d = path.join(root, name);
  for (const [f, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
    fs.writeFileSync(path.join(d, f), data);
  }
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/** A 2x2 gray PNG whose pixels are v, v+1, v+2, v+3. */
const png = (v: number) =>
  encodePng({ width: 2, height: 2, channels: 1, depth: 8, data: Uint8Array.of(v, v + 1, v + 2, v + 3) });

const model = { inputShape: [1, 2, 2, 1], classes: 2 };
const listing = (d: string) => fs.readdirSync(d, { recursive: true }).sort();

describe('dataset sources', () => {
  it('image folder with one subfolder per class: labels by sorted class name, lazy decode', () => {
    const d = dir('classes', {
      'dog/b.png': png(40),
      'cat/a.png': png(0),
      'cat/c.png': png(100),
      'cat/readme.txt': 'x',
    });
    const ds = openDataset(d, { ...model, preprocess: { scale: '0..255' } });
    expect(ds.length).toBe(3);
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect([0, 1, 2].map((i) => ds.get(i).label)).toEqual([0, 0, 1]);
    expect(ds.get(2).source).toBe(path.join(d, 'dog', 'b.png'));
    expect(Array.from(ds.get(2).inputs[0]!)).toEqual([40, 41, 42, 43]);
    expect(ds.describe()).toMatchObject({
      kind: 'image-folder',
      count: 3,
      labelled: true,
      inputShape: [1, 2, 2, 1],
    });
  });

  it('flat folder with labels.csv (class names) and resize to the model input', () => {
    const d = dir('flat', {
      'x1.png': png(0),
      'x2.png': png(10),
      'labels.csv': 'file,label\nx2.png,shoe\nx1.png,bag\n',
    });
    const ds = openDataset(d, { inputShape: [1, 1, 1, 1], classes: 2, preprocess: { scale: 'none' } });
    expect(ds.classes).toEqual(['bag', 'shoe']);
    expect(ds.get(0).label).toBe(1); // x2 listed first, "shoe" is class 1
    expect(ds.get(0).inputs[0]![0]).toBe(11.5); // bilinear 2x2 -> 1x1 = mean of 10..13
  });

  it('.npy inputs with a labels .npy, and .npz with x and y', () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => i / 10);
    const d = dir('npy', {
      'x.npy': npy('<f4', [3, 4], x),
      'y.npy': npy('<i8', [3], BigInt64Array.of(1n, 0n, 1n)),
    });
    const ds = openDataset(path.join(d, 'x.npy'), { ...model, labels: path.join(d, 'y.npy') });
    expect(ds.length).toBe(3);
    expect(Array.from(ds.get(1).inputs[0]!)).toEqual([0.4, 0.5, 0.6, 0.7].map(Math.fround));
    expect(ds.get(2).label).toBe(1);

    const u8 = Uint8Array.from({ length: 2 * 2 * 2 }, (_, i) => i * 30);
    const z = zipSync({ 'x.npy': npy('|u1', [2, 2, 2], u8), 'y.npy': npy('<i4', [2], Int32Array.of(0, 1)) });
    const f = path.join(dir('npz', { 'd.npz': z }), 'd.npz');
    const dz = openDataset(f, { ...model, preprocess: { scale: '0..255' } });
    expect(Array.from(dz.get(1).inputs[0]!)).toEqual([120, 150, 180, 210]);
    expect(dz.get(1).label).toBe(1);
  });

  it('CSV with a header and a label column', () => {
    const f = path.join(dir('csv', { 't.csv': 'a,b,label,c,d\n1,2,1,3,4\n5,6,0,7,8\n' }), 't.csv');
    const ds = openDataset(f, model);
    expect(ds.length).toBe(2);
    expect(Array.from(ds.get(1).inputs[0]!)).toEqual([5, 6, 7, 8]);
    expect(ds.get(1).label).toBe(0);
  });

  it('IDX pair by directory and by images file; representative samples are evenly spaced', () => {
    const pixels = Uint8Array.from({ length: 4 * 4 }, (_, i) => i);
    const d = dir('idx', {
      't10k-images-idx3-ubyte': encodeIdxUint8([4, 2, 2], pixels),
      't10k-labels-idx1-ubyte': encodeIdxUint8([4], Uint8Array.of(0, 1, 1, 0)),
    });
    const ds = openDataset(d, { ...model, preprocess: { scale: '0..255' } });
    expect(Array.from(ds.get(3).inputs[0]!)).toEqual([12, 13, 14, 15]);
    const byFile = openDataset(path.join(d, 't10k-images-idx3-ubyte'), model);
    expect(byFile.get(2).label).toBe(1);
    const rep = [...representativeSamples(ds, 2)];
    expect(rep.map((s) => s[0][0])).toEqual([0, 8]);
  });
});

describe('bad datasets are refused with the file and the reason', () => {
  it('an empty folder', () => {
    const d = dir('empty', {});
    expect(() => openDataset(d, model)).toThrow(DatasetError);
    expect(() => openDataset(d, model)).toThrow(`${d}: the dataset is empty`);
  });

  it('an IDX folder without the split asked for names the splits it has', () => {
    const d = dir('idx-t10k-only', {
      't10k-images-idx3-ubyte': encodeIdxUint8([1, 2, 2], Uint8Array.of(1, 2, 3, 4)),
      't10k-labels-idx1-ubyte': encodeIdxUint8([1], Uint8Array.of(1)),
    });
    expect(() => openDataset(d, { ...model, split: 'train' })).toThrow(
      `${d}: no train split here (IDX files for t10k only): choose the t10k split`,
    );
  });

  it('a corrupt image: a non-image up front, a truncated PNG when it is read', () => {
    const d = dir('corrupt', { 'a/1.png': png(0), 'b/2.png': 'not an image at all' });
    expect(() => openDataset(d, model)).toThrow(
      `${path.join(d, 'b', '2.png')}: not a PNG, JPEG or BMP image`,
    );
    const good = png(0);
    const d2 = dir('truncated', { 'a/1.png': good, 'b/2.png': good.slice(0, good.length - 16) });
    const ds = openDataset(d2, model);
    expect(() => ds.get(1)).toThrow(DatasetError);
    expect(() => ds.get(1)).toThrow(new RegExp(`^${path.join(d2, 'b', '2.png')}: corrupt PNG image`));
  });

  it('a wrong-shaped .npy', () => {
    const f = path.join(dir('wrongshape', { 'x.npy': npy('<f4', [3, 5], new Float32Array(15)) }), 'x.npy');
    expect(() => openDataset(f, model)).toThrow(DatasetError);
    expect(() => openDataset(f, model)).toThrow(
      `${f}: samples have shape [5] (5 values), which does not fit the model input [1,2,2,1] (4 values)`,
    );
  });

  it('labels out of range, and too few labels', () => {
    const d = dir('labels', {
      'x.npy': npy('<f4', [2, 4], new Float32Array(8)),
      'y.npy': npy('<i4', [2], Int32Array.of(0, 5)),
      'y1.npy': npy('<i4', [1], Int32Array.of(0)),
    });
    expect(() => openDataset(path.join(d, 'x.npy'), { ...model, labels: path.join(d, 'y.npy') })).toThrow(
      `${path.join(d, 'x.npy')}: label 5 of sample 1 is out of range 0..1 for a 2-class model`,
    );
    expect(() => openDataset(path.join(d, 'x.npy'), { ...model, labels: path.join(d, 'y1.npy') })).toThrow(
      `${path.join(d, 'y1.npy')}: 1 labels for 2 samples`,
    );
  });

  it('a class count different from the model output size', () => {
    const d = dir('threeclasses', { 'a/1.png': png(0), 'b/1.png': png(0), 'c/1.png': png(0) });
    expect(() => openDataset(d, model)).toThrow(`${d}: 3 classes (a, b, c) but the model outputs 2`);
  });

  it('a truncated IDX file and a bad CSV cell', () => {
    const full = encodeIdxUint8([4, 2, 2], new Uint8Array(16));
    const f = path.join(
      dir('badidx', { 't10k-images-idx3-ubyte': full.subarray(0, 20) }),
      't10k-images-idx3-ubyte',
    );
    expect(() => openDataset(path.dirname(f), model)).toThrow(`${f}: truncated IDX data`);
    const c = path.join(dir('badcsv', { 'd.csv': '1,2,3,4\n5,six,7,8\n' }), 'd.csv');
    expect(() => openDataset(c, model)).toThrow(`${c}:2: column 2 is not a number`);
  });

  it('nothing is written next to a refused dataset', () => {
    const d = dir('untouched', { 'a/1.png': png(0), 'b/2.png': 'junk' });
    const before = listing(d);
    expect(() => openDataset(d, model)).toThrow(DatasetError);
    expect(listing(d)).toEqual(before);
  });
});
