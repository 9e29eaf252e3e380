/**
 * Issue 18, bounded reading: a model, dataset or labels path that is not a regular file (a
 * device, a FIFO, a directory) or is over its kind's size limit is refused before anything is
 * read, with an IoError naming the file (and the limit), exit 2 in the CLI, and no hang: a FIFO
 * with no writer must not block the open.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LowbitError } from '../../main/engine/errors';
import { openDataset } from '../../main/files/dataset-open';
import { demoAssets } from '../../main/files/demo-assets';
import { FILE_SIZE_LIMITS, readFileBytes } from '../../main/files/read-file';
import { lowbitInProcess } from '../support/cli';
import { aliasingModel } from '../support/crafted-models';
import { npy } from '../support/crafted-datasets';

const DEMO = demoAssets().model;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function fifo(name: string): string {
  const p = path.join(tmp, name);
  execFileSync('mkfifo', [p]);
  return p;
}

/** Runs the CLI and checks: exit 2, one line naming `file`, within `ms`. */
async function refused(file: string, args: string[], ms = 1000): Promise<string> {
  const t0 = performance.now();
  const r = await lowbitInProcess(...args);
  expect(performance.now() - t0).toBeLessThan(ms);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(file);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return r.stderr;
}

describe('only regular files, size checked before reading (issue 18)', () => {
  it('/dev/zero as a model: exit 2 naming the file, at once', async () => {
    expect(await refused('/dev/zero', ['inspect', '/dev/zero'])).toMatch(/is a device, not a regular file/);
  });

  it('a FIFO with no writer as a model: exit 2, no hang', async () => {
    const f = fifo('model.tflite');
    expect(await refused(f, ['inspect', f])).toMatch(/is a FIFO/);
  });

  it('a directory as a model: exit 2', async () => {
    expect(await refused(tmp, ['inspect', tmp])).toMatch(/is a directory/);
  });

  it('a FIFO as a dataset file and as a labels file: refused, no hang', async () => {
    const f = fifo('data.npz');
    // The first evaluate loads the command's modules: a hang, not a slow import, is the failure.
    expect(await refused(f, ['evaluate', DEMO, '--dataset', f], 5000)).toMatch(/is a FIFO/);
    const t0 = performance.now();
    expect(() => openDataset(f, { inputShape: [1, 2, 2, 1] })).toThrow(/is a FIFO/);
    const x = path.join(tmp, 'x.npy');
    fs.writeFileSync(x, npy('<f4', [3, 4], new Float32Array(12)));
    const labels = fifo('labels.npy');
    expect(() => openDataset(x, { inputShape: [1, 2, 2, 1], labels })).toThrow(/labels\.npy: is a FIFO/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('a FIFO named like an image inside a class folder: refused when the folder is opened', () => {
    const d = path.join(tmp, 'classes');
    fs.mkdirSync(path.join(d, 'cat'), { recursive: true });
    execFileSync('mkfifo', [path.join(d, 'cat', 'a.png')]);
    const t0 = performance.now();
    expect(() => openDataset(d, { inputShape: [1, 2, 2, 1] })).toThrow(/a\.png: is a FIFO/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('an oversize (sparse) model file: refused naming the limit, without reading it', async () => {
    const big = path.join(tmp, 'big.tflite');
    fs.writeFileSync(big, aliasingModel({ regionBytes: 16 }));
    fs.truncateSync(big, FILE_SIZE_LIMITS.model + 1);
    const err = await refused(big, ['inspect', big]);
    expect(err).toContain(`over the ${FILE_SIZE_LIMITS.model}-byte limit for a model file`);
  });

  it('an oversize labels file and image: IoError naming the limit', () => {
    const labels = path.join(tmp, 'labels.csv');
    fs.writeFileSync(labels, 'a.png,0\n');
    fs.truncateSync(labels, FILE_SIZE_LIMITS.labels + 1);
    let error: unknown;
    try {
      readFileBytes(labels, 'labels');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LowbitError);
    expect((error as LowbitError).code).toBe('IO');
    expect((error as LowbitError).message).toBe(
      `${labels}: ${FILE_SIZE_LIMITS.labels + 1} bytes, over the ${FILE_SIZE_LIMITS.labels}-byte limit for a labels file`,
    );
  });

  it('a crafted aliasing model from the CLI: exit 2 naming the memory limit', async () => {
    const f = path.join(tmp, 'alias.tflite');
    fs.writeFileSync(f, aliasingModel({ bufferAliases: 10_000, regionBytes: 200_000 }));
    expect(await refused(f, ['inspect', f], 3000)).toMatch(/memory limit of \d+ bytes/);
  });
});
