// Issue 15: `lowbit train` end to end on a tiny labelled set cut from the bundled demo data: the
// per-epoch table, --json (the training result without the model bytes), the output written
// atomically and never over an input, Ctrl-C (stops after the current batch, writes the best model
// so far only with --out), and the argument errors (exit 1) and data errors (exit 2, file named).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../main/cli/index';
import { decodeIdx } from '../../main/engine/datasets/idx';
import { readTflite } from '../../main/engine/tflite/reader';
import { lowbitInProcess as lowbit } from '../support/cli';
import { npy } from '../support/crafted-datasets';

const DEMO = path.resolve('assets/demo');
const MODEL = path.join(DEMO, 'fashion_cnn.tflite');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-train-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The first `n` held-out training images of the demo set and their labels, as an .npz. */
function demoNpz(n: number): string {
  const read = (f: string) => decodeIdx(gunzipSync(fs.readFileSync(path.join(DEMO, 'fashion-mnist', f))));
  const x = read('calibration-images-idx3-ubyte.gz').data as Uint8Array;
  const y = read('calibration-labels-idx1-ubyte.gz').data as Uint8Array;
  const file = path.join(tmp, `demo${n}.npz`);
  fs.writeFileSync(
    file,
    zipSync({
      'x.npy': npy('|u1', [n, 28, 28], x.slice(0, n * 784)),
      'y.npy': npy('<i4', [n], Int32Array.from(y.subarray(0, n))),
    }),
  );
  return file;
}
const DATA = demoNpz(64);

/** As lowbitInProcess, and raises SIGINT once stderr shows `line` (a user's Ctrl-C, on time). */
async function lowbitInterrupted(when: RegExp, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  let sent = false;
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    stderr += s;
    if (!sent && when.test(stderr)) {
      sent = true;
      setImmediate(() => process.emit('SIGINT'));
    }
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('lowbit train', () => {
  it('trains, prints the epoch table and writes the best epoch atomically (--json: the result without bytes)', async () => {
    const out = path.join(tmp, 'ft.tflite');
    const r = await lowbit(
      'train',
      MODEL,
      '--data',
      DATA,
      '--recipe',
      'finetune',
      '--epochs',
      '2',
      '--batch',
      '16',
      '--val-split',
      '0.25',
      '--workers',
      '1',
      '--out',
      out,
      '--json',
    );
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.bytes).toBeUndefined();
    expect(rep.model).toBe(MODEL);
    expect(rep.out).toBe(out);
    expect(rep.recipe).toBe('finetune');
    expect(rep.options).toMatchObject({
      epochs: 2,
      batchSize: 16,
      learningRate: 0.001,
      valSplit: 0.25,
      seed: 0,
    });
    expect(rep.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    for (const e of rep.epochs) {
      expect(e.trainAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.valAccuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(e.trainLoss)).toBe(true);
    }
    expect([1, 2]).toContain(rep.bestEpoch);
    expect(rep.cancelled).toBe(false);
    // --workers 1: this thread, nothing measured.
    expect(rep.threads).toEqual({ threads: 1, auto: false, inlineMs: null, threadsMs: null, tried: null });
    expect(rep.outBytes).toBe(fs.statSync(out).size);
    readTflite(fs.readFileSync(out)); // reads back
    // The table went to stderr as each epoch ended: header, then one row per epoch.
    expect(r.stderr).toMatch(/epoch\s+train loss\s+train acc\s+val loss\s+val acc\s+time\s+ETA/);
    expect(r.stderr).toMatch(/^1\/2 /m);
    expect(r.stderr).toMatch(/^2\/2 /m);
    expect(r.stderr).toContain('training on ');
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('without --out trains and writes nothing; the human table marks the best epoch', async () => {
    const before = fs.readdirSync(tmp).sort();
    const r = await lowbit(
      'train',
      MODEL,
      '--data',
      DATA,
      '--recipe',
      'finetune',
      '--epochs',
      '1',
      '--batch',
      '32',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no --out: the trained model will not be written');
    expect(r.stdout).toMatch(/^1\/1 \* /m);
    expect(r.stdout).toMatch(/best epoch 1 \(validation accuracy\); \d+ bytes, \d+ gzipped/);
    // No --workers: 15 batches are too few to time (25), so this thread trained them all.
    expect(r.stdout).toMatch(/^trained on 1 thread$/m);
    expect(fs.readdirSync(tmp).sort()).toEqual(before);
  });

  it('Ctrl-C stops after the current batch and writes the best model so far (with --out)', async () => {
    const out = path.join(tmp, 'stopped.tflite');
    const r = await lowbitInterrupted(
      /^1\/20 /m,
      'train',
      MODEL,
      '--data',
      DATA,
      '--recipe',
      'finetune',
      '--epochs',
      '20',
      '--batch',
      '8',
      '--out',
      out,
      '--json',
    );
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.cancelled).toBe(true);
    expect(rep.epochs.length).toBeGreaterThanOrEqual(1);
    expect(rep.epochs.length).toBeLessThan(20);
    expect(fs.statSync(out).size).toBe(rep.outBytes);
    expect(r.stderr).toContain(
      `stopped after the current batch: wrote the best model so far (epoch ${rep.bestEpoch}) to ${out}`,
    );
  });

  it.each([
    [['--recipe', 'qat'], '--data LABELLED is required'],
    [['--data', 'x'], '--recipe R is required'],
    [['--data', 'x', '--recipe', 'prune:2'], '--recipe: recipe "prune:2"'],
    [['--data', 'x', '--recipe', 'sharpen'], '--recipe: recipe "sharpen"'],
    [
      ['--data', 'x', '--recipe', 'finetune', '--epochs', '0'],
      '--epochs must be a positive integer, got "0"',
    ],
    [
      ['--data', 'x', '--recipe', 'finetune', '--batch', 'big'],
      '--batch must be a positive integer, got "big"',
    ],
    [
      ['--data', 'x', '--recipe', 'finetune', '--lr', '0'],
      '--lr must be a number above 0 (e.g. 0.001), got "0"',
    ],
    [
      ['--data', 'x', '--recipe', 'finetune', '--val-split', '1'],
      '--val-split must be between 0 and 1 (e.g. 0.1), got "1"',
    ],
    [
      ['--data', 'x', '--recipe', 'finetune', '--seed', '1.5'],
      '--seed must be an integer from 0 to 4294967295, got "1.5"',
    ],
    [
      ['--data', 'x', '--recipe', 'finetune', '--workers', '0'],
      '--workers must be a positive integer, got "0"',
    ],
  ])('refuses %j (exit 1): %s', async (args, message) => {
    const r = await lowbit('train', MODEL, ...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('refuses the input as --out before any work', async () => {
    const r = await lowbit('train', MODEL, '--data', DATA, '--recipe', 'finetune', '--out', MODEL);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(MODEL);
    expect(r.stderr).not.toContain('training on');
  });

  it('refuses unlabelled data and labels out of range (exit 2, the file named)', async () => {
    const x = path.join(tmp, 'x.npz');
    fs.writeFileSync(x, zipSync({ 'x.npy': npy('|u1', [4, 28, 28], new Uint8Array(4 * 784)) }));
    const a = await lowbit('train', MODEL, '--data', x, '--recipe', 'finetune');
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`error [DATASET]: ${x}: has no labels`);
    const y = path.join(tmp, 'y.npz');
    fs.writeFileSync(
      y,
      zipSync({
        'x.npy': npy('|u1', [2, 28, 28], new Uint8Array(2 * 784)),
        'y.npy': npy('<i4', [2], Int32Array.of(1, 10)),
      }),
    );
    const b = await lowbit('train', MODEL, '--data', y, '--recipe', 'finetune');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${y}: label 10 of sample 1 is out of range 0..9 for a 10-class model`);
  });
});
