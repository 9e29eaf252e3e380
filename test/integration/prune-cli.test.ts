// Issue 8: `lowbit prune`, `lowbit cluster`, `lowbit optimize` end to end: files written
// atomically (never over the input), JSON reports with measured figures, sweep, exit codes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomInput, smallCnn } from '../support/prune-fixtures';
import { weightStats } from '../../main/engine/optimize/prune/index';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { lowbitInProcess } from '../support/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-prune-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const MODEL = path.join(tmp, 'cnn.tflite');
fs.writeFileSync(MODEL, writeTflite(smallCnn()));
const DATA = path.join(tmp, 'x.npy');
fs.writeFileSync(
  DATA,
  npyF32(
    Array.from({ length: 16 }, (_v, i) => randomInput(200 + i)),
    [16, 12, 12, 1],
  ),
);

const lowbit = lowbitInProcess;

function npyF32(rows: Float32Array[], shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const n = rows.reduce((a, r) => a + r.length, 0);
  const out = new Uint8Array(10 + header.length + n * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  const body = new Float32Array(n);
  let o = 0;
  for (const r of rows) {
    body.set(r, o);
    o += r.length;
  }
  out.set(new Uint8Array(body.buffer), 10 + header.length);
  return out;
}

describe('lowbit prune / cluster / optimize', () => {
  it('prune --json writes the model and reports sizes, per-layer sparsity and agreement', async () => {
    const out = path.join(tmp, 'p50.tflite');
    const r = await lowbit(
      'prune',
      MODEL,
      '--sparsity',
      '0.5',
      '--min-weights',
      '0',
      '--out',
      out,
      '--data',
      DATA,
      '--json',
    );
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.stages.map((s: { stage: string }) => s.stage)).toEqual(['input', 'prune:0.5']);
    expect(rep.stages[1].bytes).toBe(fs.statSync(out).size);
    expect(rep.stages[1].gzipBytes).toBeLessThan(rep.stages[0].gzipBytes);
    expect(rep.stages[1].sparsity).toBeCloseTo(0.5, 3);
    // Agreement is measured against the input model (so the input row has none).
    expect(rep.stages[0].agreement).toBeNull();
    expect(rep.stages[1].agreement).toBeGreaterThanOrEqual(0);
    expect(rep.stages[1].agreement).toBeLessThanOrEqual(1);
    expect(rep.stages[1].layers.map((l: { zeros: number; weights: number }) => l.zeros / l.weights)).toEqual(
      weightStats(readTflite(fs.readFileSync(out))).map((l) => l.sparsity),
    );
  });

  it('prune --sweep gives one row per sparsity with gzip shrinking as sparsity grows', async () => {
    const r = await lowbit(
      'prune',
      MODEL,
      '--sweep',
      '0.3,0.5,0.7,0.9',
      '--min-weights',
      '0',
      '--data',
      DATA,
      '--json',
    );
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).sweep as { stage: string; gzipBytes: number; agreement: number }[];
    expect(rows.map((x) => x.stage)).toEqual(['input', 'prune:0.3', 'prune:0.5', 'prune:0.7', 'prune:0.9']);
    for (let i = 1; i < rows.length; i++) expect(rows[i].gzipBytes).toBeLessThan(rows[i - 1].gzipBytes);
    for (const x of rows.slice(1)) expect(x.agreement).toBeGreaterThanOrEqual(0);
  });

  it('cluster writes at most N values per layer; optimize chains the stages', async () => {
    const c = path.join(tmp, 'c16.tflite');
    const r = await lowbit(
      'cluster',
      MODEL,
      '--clusters',
      '16',
      '--min-weights',
      '0',
      '--seed',
      '3',
      '--out',
      c,
      '--json',
    );
    expect(r.code).toBe(0);
    for (const l of weightStats(readTflite(fs.readFileSync(c))))
      expect(l.uniqueValues).toBeLessThanOrEqual(16);
    const o = path.join(tmp, 'opt.tflite');
    const r2 = await lowbit(
      'optimize',
      MODEL,
      '--pipeline',
      'prune:0.5,cluster:16,quantize:int8',
      '--calibration',
      DATA,
      '--min-weights',
      '0',
      '--out',
      o,
      '--data',
      DATA,
      '--json',
    );
    expect(r2.code).toBe(0);
    const rep = JSON.parse(r2.stdout);
    expect(rep.stages.map((s: { stage: string }) => s.stage)).toEqual([
      'input',
      'prune:0.5',
      'cluster:16',
      'quantize:int8',
    ]);
    const last = rep.stages[3];
    expect(last.bytes).toBe(fs.statSync(o).size);
    for (const l of last.layers) {
      expect(l.dtype).toBe('int8');
      expect(l.uniqueValues).toBeLessThanOrEqual(16);
      expect(l.sparsity).toBeCloseTo(0.5, 2);
    }
    expect(last.gzipBytes / rep.stages[0].gzipBytes).toBeLessThan(0.2);
  });

  it('refuses to overwrite the input and reports usage errors with exit 1', async () => {
    const same = await lowbit('prune', MODEL, '--sparsity', '0.5', '--out', MODEL);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/refusing to overwrite the input/);
    expect(
      (await lowbit('prune', MODEL, '--sparsity', '1.5', '--out', path.join(tmp, 'x.tflite'))).code,
    ).toBe(1);
    expect(
      (
        await lowbit(
          'optimize',
          MODEL,
          '--pipeline',
          'quantize:int8,prune:0.5',
          '--out',
          path.join(tmp, 'y.tflite'),
        )
      ).code,
    ).toBe(1);
    expect(
      (
        await lowbit(
          'cluster',
          MODEL,
          '--clusters',
          '16',
          '--init',
          'nope',
          '--out',
          path.join(tmp, 'z.tflite'),
        )
      ).code,
    ).toBe(1);
    const bad = path.join(tmp, 'bad.tflite');
    fs.writeFileSync(bad, new Uint8Array([1, 2, 3, 4, 0x54, 0x46, 0x4c, 0x33, 9, 9]));
    expect((await lowbit('prune', bad, '--sparsity', '0.5', '--out', path.join(tmp, 'w.tflite'))).code).toBe(
      2,
    );
  });
});
