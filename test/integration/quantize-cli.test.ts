// Issue 4: `lowbit quantize`, `lowbit dequantize`, `lowbit debug` and `inspect --lint` end to
// end: JSON summaries, calibration files (.npy stacked, folder of .bin), exit codes, --strict,
// never overwriting inputs, and a cancel that leaves nothing behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../main/cli/command';
import { command as quantizeCommand } from '../../main/cli/commands/quantize';
import { CancelledError } from '../../main/engine/errors';
import { BuiltinOperator } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { sharedPath } from '../support/shared';
import { modelPath, personFloat, personInt8, personVariants, runReal } from '../support/quantize-helpers';
import { lowbitInProcess } from '../support/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-quant-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const PD = modelPath('person_detect.tflite');
const FLOAT = path.join(tmp, 'person_float.tflite');
const NPY = path.join(tmp, 'calib.npy');
const BINS = path.join(tmp, 'calib-bins');

const lowbit = lowbitInProcess;

/** A .npy v1 file holding a little-endian float32 array of the given shape. */
function npyF32(values: Float32Array, shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 10 + header.length);
  return out;
}

beforeAll(async () => {
  const r = await lowbit('dequantize', PD, '--out', FLOAT, '--json');
  expect(r.code).toBe(0);
  const samples = (['person', 'no_person'] as const).flatMap((n) =>
    personVariants(personInt8(n)).map(personFloat),
  );
  const all = new Float32Array(samples.length * 96 * 96);
  samples.forEach((s, i) => all.set(s, i * 96 * 96));
  fs.writeFileSync(NPY, npyF32(all, [samples.length, 1, 96, 96, 1]));
  fs.mkdirSync(BINS);
  samples
    .slice(0, 4)
    .forEach((s, i) => fs.writeFileSync(path.join(BINS, `s${i}.bin`), new Uint8Array(s.buffer)));
});

describe('lowbit dequantize', () => {
  it('prints a JSON summary, and refuses to overwrite its input', async () => {
    const out = path.join(tmp, 'deq.tflite');
    const r = await lowbit('dequantize', PD, '--out', out, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.inputBytes).toBe(fs.statSync(PD).size);
    expect(s.outputBytes).toBe(fs.statSync(out).size);
    expect(s.convertedTensors).toBeGreaterThan(80);
    const copy = path.join(tmp, 'copy.tflite');
    fs.copyFileSync(PD, copy);
    const same = await lowbit('dequantize', copy, '--out', copy);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/refusing to overwrite the input/);
    expect(fs.readFileSync(copy).equals(fs.readFileSync(PD))).toBe(true);
  });
});

describe('lowbit quantize', () => {
  it('float16 and dynamic: JSON summary with the measured size ratio', async () => {
    for (const technique of ['float16', 'dynamic']) {
      const out = path.join(tmp, `${technique}.tflite`);
      const r = await lowbit('quantize', FLOAT, '--technique', technique, '--out', out, '--json');
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout);
      expect(Object.keys(s)).toEqual([
        'technique',
        'inputBytes',
        'outputBytes',
        'sizeRatio',
        'quantizedOps',
        'floatOps',
        'seconds',
        'warnings',
      ]);
      expect(s.technique).toBe(technique);
      expect(s.outputBytes).toBe(fs.statSync(out).size);
      expect(s.sizeRatio).toBeCloseTo(s.outputBytes / s.inputBytes, 4);
      expect(s.sizeRatio).toBeLessThan(technique === 'float16' ? 0.53 : 0.35);
      expect(s.quantizedOps).toBeGreaterThan(15);
    }
  });

  it('int8 from a stacked .npy (int8 I/O) and from a folder of .bin files; lint clean via inspect --lint', async () => {
    const out = path.join(tmp, 'int8.tflite');
    const r = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int8',
      '--calibration',
      NPY,
      '--io',
      'int8',
      '--out',
      out,
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/calibration samples: 14\/14/);
    const s = JSON.parse(r.stdout);
    expect([s.quantizedOps, s.floatOps, s.warnings]).toEqual([31, 0, []]);
    const lint = await lowbit('inspect', out, '--lint', '--json');
    expect(lint.code).toBe(0);
    expect(JSON.parse(lint.stdout).lint).toEqual([]);
    const human = await lowbit('inspect', out, '--lint');
    expect(human.stdout).toMatch(/quantization spec: no findings/);
    // Same scores as the original int8 model within 5% on the person image.
    const m = readTflite(fs.readFileSync(out));
    const x = personInt8('person');
    const q = m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]].quantization!;
    const xi = Int8Array.from(personFloat(x), (v) =>
      Math.max(-128, Math.min(127, Math.round(v / q.scale[0]) + Number(q.zeroPoint[0]))),
    );
    const ours = runReal(m, [xi])[0];
    const orig = runReal(readTflite(fs.readFileSync(PD)), [x])[0];
    expect(Math.abs(ours[1] - orig[1]) / orig[1]).toBeLessThan(0.05);

    const out2 = path.join(tmp, 'int8-bins.tflite');
    const r2 = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int16x8',
      '--calibration',
      BINS,
      '--calibration-method',
      'percentile',
      '--out',
      out2,
      '--json',
    );
    expect(r2.code).toBe(0);
    expect(r2.stderr).toMatch(/calibration samples: 4\/4/);
    expect(JSON.parse((await lowbit('inspect', out2, '--lint', '--json')).stdout).lint).toEqual([]);
  });

  it('int8 from a folder of BMP images with --preprocess; a preprocessing mismatch is reported', async () => {
    const out = path.join(tmp, 'from-images.tflite');
    const images = sharedPath('data', 'person_detection');
    const ok = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int8',
      '--calibration',
      images,
      '--preprocess',
      'gray,scale=-1..1',
      '--out',
      out,
      '--json',
    );
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/calibration samples: 2\/2/);
    expect(JSON.parse(ok.stdout).warnings).toEqual([]);
    // Pixels left in 0..255: the dequantized model recorded that its input spans about [-1, 1].
    const bad = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int8',
      '--calibration',
      images,
      '--preprocess',
      'gray,scale=0..255',
      '--out',
      out,
      '--json',
    );
    expect(bad.code).toBe(0);
    expect(JSON.parse(bad.stdout).warnings).toEqual([
      expect.stringMatching(
        /^input 0 "input": calibration data spans \[\d+, 2\d\d\] but the model expects \[-0\.99608, 1\.0039\]: check the preprocessing/,
      ),
    ]);
    const human = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int8',
      '--calibration',
      images,
      '--preprocess',
      'gray,scale=-1..1',
      '--out',
      out,
    );
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(
      /input 0 "input": calibration data spans \[-1, 1\] \(the model expects \[-0\.99608, 1\.0039\]\)/,
    );
    expect(human.stdout).toMatch(/^wrote .*from-images\.tflite: int8, \d+ bytes/);
    const noImages = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int8',
      '--calibration',
      NPY,
      '--preprocess',
      'gray',
      '--out',
      out,
    );
    expect(noImages.code).toBe(2);
    // A malformed spec is a usage error; the CLI names the flag the engine's error is about.
    const typo = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int8',
      '--calibration',
      images,
      '--preprocess',
      'resize=96',
      '--out',
      out,
    );
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('--preprocess: "resize=96": expected resize=HEIGHTxWIDTH');
  });

  it('int8 calibrated on IDX data: a gzipped IDX file, or an MNIST-style folder (its calibration split)', async () => {
    const demo = path.join(import.meta.dirname, '..', '..', 'assets', 'demo');
    const model = path.join(demo, 'fashion_cnn.tflite');
    const idx = path.join(demo, 'fashion-mnist', 'calibration-images-idx3-ubyte.gz');
    const fromFile = path.join(tmp, 'idx-file.tflite');
    const fromDir = path.join(tmp, 'idx-dir.tflite');
    const a = await lowbit(
      'quantize',
      model,
      '--technique',
      'int8',
      '--calibration',
      idx,
      '--samples',
      '50',
      '--out',
      fromFile,
      '--json',
    );
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/calibration samples: 50\/50/);
    expect(JSON.parse(a.stdout)).toMatchObject({
      technique: 'int8',
      quantizedOps: 5,
      floatOps: 0,
      warnings: [],
    });
    const b = await lowbit(
      'quantize',
      model,
      '--technique',
      'int8',
      '--calibration',
      path.dirname(idx),
      '--samples',
      '50',
      '--out',
      fromDir,
      '--json',
    );
    expect(b.code).toBe(0);
    // The folder holds t10k and calibration splits: calibration is used, so the two files match.
    expect(Buffer.compare(fs.readFileSync(fromFile), fs.readFileSync(fromDir))).toBe(0);
    const lint = await lowbit('inspect', fromFile, '--lint', '--json');
    expect(lint.code).toBe(0);
  });

  it('--keep-float is recorded in the lowbit_quantization metadata', async () => {
    const out = path.join(tmp, 'keep.tflite');
    const r = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int8',
      '--calibration',
      NPY,
      '--samples',
      '3',
      '--keep-float',
      'op:softmax',
      '--out',
      out,
      '--json',
    );
    expect(r.code).toBe(0);
    const meta = JSON.parse((await lowbit('inspect', out, '--json')).stdout).metadata;
    expect(meta.map((m: { name: string }) => m.name)).toContain('lowbit_quantization');
    const m = readTflite(fs.readFileSync(out));
    const md = m.metadata.find((x) => x.name === 'lowbit_quantization')!;
    const rec = JSON.parse(new TextDecoder().decode(m.buffers[md.buffer].data));
    expect(rec).toMatchObject({ technique: 'int8', method: 'minmax', samples: 3 });
    expect(rec.keptFloat).toEqual([expect.stringMatching(/^SOFTMAX #\d+$/)]);
  });

  it('--strict fails with exit 2 listing the ops, and writes nothing', async () => {
    const m = readTflite(fs.readFileSync(FLOAT));
    for (const c of m.operatorCodes)
      if (c.builtinCode === BuiltinOperator.AVERAGE_POOL_2D)
        c.builtinCode = c.deprecatedBuiltinCode = BuiltinOperator.L2_POOL_2D;
    const l2 = path.join(tmp, 'l2.tflite');
    fs.writeFileSync(l2, writeTflite(m));
    const out = path.join(tmp, 'strict.tflite');
    const r = await lowbit(
      'quantize',
      l2,
      '--technique',
      'int8',
      '--calibration',
      NPY,
      '--strict',
      '--out',
      out,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /\[QUANTIZATION\].*--strict: 1 operator\(s\) have no int8 kernel:\n\s+L2_POOL_2D #\d+/s,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it('usage errors exit 1', async () => {
    expect((await lowbit('quantize', FLOAT, '--technique', 'int4', '--out', 'x')).code).toBe(1);
    expect(
      (await lowbit('quantize', FLOAT, '--technique', 'int8', '--out', path.join(tmp, 'n.tflite'))).code,
    ).toBe(1);
    expect(
      (
        await lowbit(
          'quantize',
          FLOAT,
          '--technique',
          'dynamic',
          '--io',
          'int8',
          '--out',
          path.join(tmp, 'n.tflite'),
        )
      ).code,
    ).toBe(1);
    expect(
      (
        await lowbit(
          'quantize',
          FLOAT,
          '--technique',
          'int8',
          '--calibration',
          NPY,
          '--keep-float',
          'layer:3',
          '--out',
          path.join(tmp, 'n.tflite'),
        )
      ).code,
    ).toBe(1);
  });

  it('a calibration file of the wrong size is bad input (exit 2)', async () => {
    const bad = path.join(tmp, 'bad.bin');
    fs.writeFileSync(bad, new Uint8Array(4 * 100));
    const r = await lowbit(
      'quantize',
      FLOAT,
      '--technique',
      'int8',
      '--calibration',
      bad,
      '--out',
      path.join(tmp, 'n.tflite'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/100 values is not a whole number of samples of 9216/);
  });

  it('a cancel during calibration throws CancelledError and leaves no file (not even a temp file)', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cancel-'));
    const out = path.join(dir, 'cancelled.tflite');
    const ac = new AbortController();
    const ctx: CliContext = {
      log: () => {},
      progress: (_l, done) => {
        if (done === 2) ac.abort();
      },
      out: () => {},
      signal: ac.signal,
      cwd: tmp,
    };
    await expect(
      quantizeCommand.run([FLOAT, '--technique', 'int8', '--calibration', NPY, '--out', out], ctx),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('lowbit debug', () => {
  it('reports every quantized layer (JSON and CSV) and flags a badly calibrated model', async () => {
    const good = path.join(tmp, 'int8.tflite');
    const r = await lowbit('debug', FLOAT, good, '--data', NPY, '--samples', '4', '--json');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.samples).toBe(4);
    expect(rep.layers.length).toBe(31); // int8 I/O: no QUANTIZE of the input
    expect(rep.layers.every((l: { matchedBy: string }) => l.matchedBy === 'name')).toBe(true);
    // Well calibrated: every layer above 15 dB and cosine above 0.98 (measured worst ~20 dB).
    expect(rep.worst).toEqual([]);
    for (const l of rep.layers) expect(l.cosine).toBeGreaterThan(0.98);
    const csv = await lowbit('debug', FLOAT, good, '--data', NPY, '--samples', '2', '--csv');
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'opIndex,op,name,dtype,matchedBy,elements,sqnrDb,cosine,mse,maxAbsError,meanError,floatMin,floatMax,quantMin,quantMax,flagged,remedy',
    );
    expect(lines.length).toBe(32);

    // Calibrated on images scaled to a tenth: real inputs clip from the first layer on.
    const dark = path.join(tmp, 'dark.npy');
    const x = personFloat(personInt8('person')).map((v) => v * 0.1);
    fs.writeFileSync(dark, npyF32(x, [1, 1, 96, 96, 1]));
    const bad = path.join(tmp, 'bad-int8.tflite');
    expect(
      (await lowbit('quantize', FLOAT, '--technique', 'int8', '--calibration', dark, '--out', bad)).code,
    ).toBe(0);
    const d = JSON.parse(
      (await lowbit('debug', FLOAT, bad, '--data', NPY, '--samples', '4', '--json')).stdout,
    );
    expect(d.worst.length).toBeGreaterThan(0);
    expect(d.worst[0].remedy).toMatch(/outside the calibrated range/);
    const human = await lowbit('debug', FLOAT, bad, '--data', NPY, '--samples', '2');
    expect(human.stdout).toMatch(/flagged \(worst first\):/);
  });
});
