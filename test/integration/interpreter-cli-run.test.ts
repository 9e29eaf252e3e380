// Issue 3: `lowbit run` end to end: input formats, --out/--json/--repeat/--dump, exit codes, and
// never writing over an input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../support/shared';
import { lowbitInProcess } from '../support/cli';

const HW = sharedPath('models', 'tflite-micro', 'hello_world_float.tflite');
const HW8 = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-run-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const lowbit = lowbitInProcess;

/** A .npy v1 file with a little-endian float32 array. */
function npyF32(values: number[], shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  new DataView(out.buffer).setFloat32(10 + header.length, values[0]!, true);
  return out;
}

describe('lowbit run --reference (issue 16)', () => {
  it('gives the same person_detect outputs with the TypeScript kernels as with the SIMD ones', async () => {
    const model = sharedPath('models', 'tflite-micro', 'person_detect.tflite');
    const x = path.join(tmp, 'person.bin');
    let seed = 7;
    fs.writeFileSync(
      x,
      Uint8Array.from({ length: 96 * 96 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23),
    );
    const simd = await lowbit('run', model, '--input', x, '--json');
    const reference = await lowbit('run', model, '--input', x, '--json', '--reference');
    expect(simd.code, simd.stderr).toBe(0);
    expect(reference.code, reference.stderr).toBe(0);
    const data = (r: { stdout: string }) => JSON.parse(r.stdout).outputs[0].data as number[];
    expect(data(simd)).toEqual(data(reference));
    expect(new Set(data(simd)).size).toBe(2); // two scores, not one clamped value
  });
});

describe('lowbit run (issue 3)', async () => {
  it('runs .npy input with --json --repeat, writes --out and --dump', async () => {
    const x = path.join(tmp, 'x.npy');
    fs.writeFileSync(x, npyF32([1.5], [1, 1]));
    const out = path.join(tmp, 'out');
    const dump = path.join(tmp, 'dump');
    const r = await lowbit('run', HW, '--input', x, '--json', '--repeat', '3', '--out', out, '--dump', dump);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.outputs[0]).toMatchObject({
      name: 'StatefulPartitionedCall:0',
      dtype: 'float32',
      shape: [1, 1],
      scale: null,
    });
    expect(Math.abs(j.outputs[0].data[0] - Math.sin(1.5))).toBeLessThan(0.1);
    expect(j.repeat).toBe(3);
    expect(j.medianMs).toBeGreaterThan(0);
    expect(j.arenaBytes).toBe(128);
    const bin = fs.readFileSync(path.join(out, 'output0.bin'));
    expect(bin.length).toBe(4);
    expect(bin.readFloatLE(0)).toBe(Math.fround(j.outputs[0].data[0]));
    expect(JSON.parse(fs.readFileSync(path.join(out, 'outputs.json'), 'utf8'))).toEqual([
      { name: 'StatefulPartitionedCall:0', dtype: 'float32', shape: [1, 1], scale: null, zeroPoint: null },
    ]);
    const index = JSON.parse(fs.readFileSync(path.join(dump, 'dump.json'), 'utf8'));
    expect(index.map((d: any) => [d.op, d.opName, d.shape])).toEqual([
      [0, 'FULLY_CONNECTED', [1, 16]],
      [1, 'FULLY_CONNECTED', [1, 16]],
      [2, 'FULLY_CONNECTED', [1, 1]],
    ]);
    expect(fs.statSync(path.join(dump, index[0].file)).size).toBe(64);
    expect(fs.readFileSync(path.join(dump, index[2].file)).readFloatLE(0)).toBe(bin.readFloatLE(0));
  });

  it('reads .csv and raw .bin inputs; int8 model outputs scale and zero point', async () => {
    const csv = path.join(tmp, 'x.csv');
    fs.writeFileSync(csv, '-128\n');
    const bin = path.join(tmp, 'x.bin');
    fs.writeFileSync(bin, Uint8Array.from([0x80]));
    const a = await lowbit('run', HW8, '--input', csv, '--json');
    const b = await lowbit('run', HW8, '--input', bin, '--json');
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).outputs).toEqual(JSON.parse(b.stdout).outputs);
    expect(JSON.parse(a.stdout).outputs[0]).toMatchObject({
      dtype: 'int8',
      scale: expect.any(Number),
      zeroPoint: expect.any(Number),
    });
  });

  it('bad inputs exit 2 with a message naming the file; usage errors exit 1', async () => {
    const short = path.join(tmp, 'short.bin');
    fs.writeFileSync(short, Uint8Array.from([1, 2]));
    let r = await lowbit('run', HW, '--input', short);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/short\.bin.*not a whole number of float32/);
    const two = path.join(tmp, 'two.csv');
    fs.writeFileSync(two, '1, 2');
    r = await lowbit('run', HW, '--input', two);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SHAPE_MISMATCH.*two\.csv: 2 values/);
    const npy = path.join(tmp, 'trunc.npy');
    fs.writeFileSync(npy, npyF32([1], [1, 1]).subarray(0, 60));
    r = await lowbit('run', HW, '--input', npy);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trunc\.npy/);
    r = await lowbit('run', HW);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 input/);
  });

  it('refuses to write an output over an input file', async () => {
    const dir = path.join(tmp, 'same');
    fs.mkdirSync(dir);
    const input = path.join(dir, 'output0.bin');
    fs.writeFileSync(input, new Uint8Array(new Float32Array([2]).buffer));
    const r = await lowbit('run', HW, '--input', input, '--out', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to overwrite the input/);
    expect(new Float32Array(new Uint8Array(fs.readFileSync(input)).buffer)[0]).toBe(2);
  });
});

describe('stateful models (found by the TFLM cross-check): every run is one inference from the initial state', () => {
  const LSTM = sharedPath('models', 'tflite-micro', 'trained_lstm.tflite');
  const input = path.join(tmp, 'lstm_in.bin');
  fs.writeFileSync(
    input,
    new Uint8Array(Float32Array.from({ length: 28 * 28 }, (_, i) => (Math.sin(0.37 * i) + 1) / 2).buffer),
  );
  const read = (dir: string, f: string) => new Uint8Array(fs.readFileSync(path.join(dir, f)));

  it('--repeat and --dump write the outputs of a single fresh run', async () => {
    const once = path.join(tmp, 'lstm-once');
    const many = path.join(tmp, 'lstm-many');
    const dump = path.join(tmp, 'lstm-dump');
    expect((await lowbit('run', LSTM, '--input', input, '--out', once)).code).toBe(0);
    expect(
      (await lowbit('run', LSTM, '--input', input, '--out', many, '--repeat', '3', '--dump', dump)).code,
    ).toBe(0);
    expect(read(many, 'output0.bin')).toEqual(read(once, 'output0.bin'));
    // The dump's last operator output is the model output of that same run.
    const index = JSON.parse(fs.readFileSync(path.join(dump, 'dump.json'), 'utf8')) as { file: string }[];
    expect(read(dump, index.at(-1)!.file)).toEqual(read(once, 'output0.bin'));
  });
});
