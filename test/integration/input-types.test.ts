/**
 * Issue 18, correct input types: float16 .npy is decoded as float16 (inputs, datasets,
 * representative data), int64 .npy (NumPy's default integer on Linux) works where integers are
 * expected (labels, integer model inputs) with a range check, unsupported dtypes (complex,
 * object, structured) are a DatasetError with exit 2, and folders that cannot be made for
 * outputs are IoErrors naming the path, exit 2.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { floatToHalf } from '../../main/engine/tensor/float16';
import { openDataset } from '../../main/files/dataset-open';
import { demoAssets } from '../../main/files/demo-assets';
import { lowbitInProcess } from '../support/cli';
import { npy } from '../support/crafted-datasets';
import { sharedPath } from '../support/shared';

const HW = sharedPath('models', 'tflite-micro', 'hello_world_float.tflite');
const HW8 = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');
const DEMO = demoAssets().model;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-types-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
}

const halves = (values: number[]) => Uint16Array.from(values, floatToHalf);

async function outputsOf(model: string, input: string): Promise<unknown> {
  const r = await lowbitInProcess('run', model, '--input', input, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).outputs;
}

async function badInput(args: string[], message: RegExp): Promise<void> {
  const r = await lowbitInProcess(...args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  // One error line (progress lines may come before it), no stack trace.
  expect(r.stderr.split('\n').filter((l) => /error/.test(l))).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('.npy dtypes for run inputs (issue 18)', () => {
  it('float16 .npy into a float32 input is decoded as float16, the same as float32', async () => {
    const f16 = file('x16.npy', npy('<f2', [1, 1], halves([1.5])));
    const f32 = file('x32.npy', npy('<f4', [1, 1], Float32Array.of(1.5)));
    expect(await outputsOf(HW, f16)).toEqual(await outputsOf(HW, f32));
  });

  it('int64 .npy into an int8 input, range-checked', async () => {
    const i64 = file('q64.npy', npy('<i8', [1, 1], BigInt64Array.of(-5n)));
    const i8 = file('q8.npy', npy('|i1', [1, 1], Int8Array.of(-5)));
    expect(await outputsOf(HW8, i64)).toEqual(await outputsOf(HW8, i8));
    const big = file('q64big.npy', npy('<i8', [1, 1], BigInt64Array.of(300n)));
    await badInput(
      ['run', HW8, '--input', big],
      /q64big\.npy: value 300 at index 0 does not fit the tensor's int8/,
    );
  });

  it('complex, object and structured .npy: exit 2 naming the dtype', async () => {
    const c = file('c.npy', npy('<c8', [1, 1], new Float32Array(2)));
    await badInput(['run', HW, '--input', c], /c\.npy: unsupported \.npy dtype '<c8'/);
    const o = file('o.npy', npy('|O', [1, 1], new Uint8Array(8)));
    await badInput(['run', HW, '--input', o], /o\.npy: unsupported \.npy dtype '\|O'/);
    const s = file('s.npy', npy("[('a', '<f4')]", [1, 1], new Float32Array(1)));
    await badInput(
      ['run', HW, '--input', s],
      /s\.npy: structured \.npy dtypes \(records\) are not supported/,
    );
  });
});

describe('.npy dtypes in datasets (issue 18)', () => {
  const n = 8;
  // Multiples of 1/256 in 0..1 are exact in float16.
  const pixels = Array.from({ length: n * 28 * 28 }, (_, i) => (i % 256) / 256);
  const model = { inputShape: [1, 28, 28, 1], classes: 10 };
  const labels = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 10));
  const accuracyOf = async (dataset: string) => {
    const r = await lowbitInProcess('evaluate', DEMO, '--dataset', dataset, '--runs', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).rows as { accuracy?: number }[];
    return rows.map((row) => row.accuracy);
  };

  it('float16 images with int64 labels in an .npz evaluate like float32 with int32 labels', async () => {
    const z16 = file(
      'd16.npz',
      zipSync({
        'x.npy': npy('<f2', [n, 28, 28], halves(pixels)),
        'y.npy': npy('<i8', [n], labels),
      }),
    );
    const z32 = file(
      'd32.npz',
      zipSync({
        'x.npy': npy('<f4', [n, 28, 28], Float32Array.from(pixels)),
        'y.npy': npy('<i4', [n], Int32Array.from(labels, Number)),
      }),
    );
    expect(await accuracyOf(z16)).toEqual(await accuracyOf(z32));
    const inputs = (f: string) => Array.from(openDataset(f, model).get(5).inputs[0]!);
    expect(inputs(z16)).toEqual(inputs(z32));
  });

  it('int64 and float16 .npy samples read as their values (int64 used to fail with exit 3)', () => {
    const ints = Array.from({ length: n * 784 }, (_, i) => i % 200);
    const i64 = file('x64.npy', npy('<i8', [n, 28, 28], BigInt64Array.from(ints, BigInt)));
    const i32 = file('x32i.npy', npy('<i4', [n, 28, 28], Int32Array.from(ints)));
    const values = (f: string) => Array.from(openDataset(f, model).get(2).inputs[0]!);
    expect(values(i64)).toEqual(values(i32));
    const f16 = file('images16.npy', npy('<f2', [n, 28, 28], halves(pixels)));
    expect(values(f16)).toEqual(pixels.slice(2 * 784, 3 * 784));
  });

  it('int64 labels out of range, complex images: exit 2', async () => {
    const x = npy('<f4', [n, 28, 28], Float32Array.from(pixels));
    const huge = file(
      'huge.npz',
      zipSync({
        'x.npy': x,
        'y.npy': npy(
          '<i8',
          [n],
          labels.map((v) => v + 2n ** 40n),
        ),
      }),
    );
    await badInput(
      ['evaluate', DEMO, '--dataset', huge],
      /huge\.npz:y: label \d+ of sample 0 is not a class index/,
    );
    const complex = file(
      'complex.npz',
      zipSync({ 'x.npy': npy('<c8', [n, 28, 28], new Float32Array(2 * n * 784)) }),
    );
    await badInput(
      ['evaluate', DEMO, '--dataset', complex],
      /complex\.npz:entry 1: unsupported \.npy dtype '<c8'/,
    );
  });
});

describe('output folders that cannot be made (issue 18)', () => {
  const x = () => file('in.npy', npy('<f4', [1, 1], Float32Array.of(1)));

  it('--out under a file, --out that is a file: exit 2 naming the path', async () => {
    const plain = file('plain.txt', 'not a folder');
    await badInput(
      ['run', HW, '--input', x(), '--out', path.join(plain, 'sub')],
      /plain\.txt\/sub: .*plain\.txt is a file, not a folder/,
    );
    await badInput(
      ['run', HW, '--input', x(), '--out', plain],
      /plain\.txt: .*plain\.txt is a file, not a folder/,
    );
  });

  it('--report into a path whose parent is a file: exit 2 naming the path', async () => {
    const plain = file('plain2.txt', 'x');
    const pixels = Float32Array.from({ length: 2 * 784 }, () => 0.5);
    const d = file('r.npz', zipSync({ 'x.npy': npy('<f4', [2, 28, 28], pixels) }));
    await badInput(
      ['evaluate', DEMO, '--dataset', d, '--runs', '1', '--report', path.join(plain, 'report')],
      /plain2\.txt\/report: .* is a file, not a folder/,
    );
  });

  it('a folder the file system refuses (read-only /sys): exit 2, no hang', async () => {
    await badInput(
      ['run', HW, '--input', x(), '--out', '/sys/lowbit-out/x'],
      /\/sys\/lowbit-out\/x: (operation not permitted|permission denied|read-only)/i,
    );
  });
});
