/**
 * Issue 17 item 12 (CLI manners): the real CLI (bin/lowbit.mjs in a child process) on real files.
 * Progress is a bar redrawn in place on a terminal (a pseudo-terminal from util-linux `script`),
 * one line per stage when piped, nothing with --quiet; every named output takes --out (rewrite
 * too) and gets its missing folders; --technique is case-insensitive with "did you mean"; unknown
 * flags are reported in Lowbit's words; the input is refused as output before calibration starts;
 * a truncated model is called truncated; `fit` exits 4 when nothing fits; `evaluate` warns on
 * chance-level accuracy and on samples shaped unlike the model input.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npy } from '../support/crafted-datasets';
import { ROOT } from '../support/shared';
import { peer } from '../support/peers';

const BIN = path.join(ROOT, 'bin', 'lowbit.mjs');
const DEMO = path.join(ROOT, 'assets', 'demo');
const MODEL = path.join(DEMO, 'fashion_cnn.tflite');
const CALIBRATION = path.join(DEMO, 'fashion-mnist', 'calibration-images-idx3-ubyte.gz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-manners-'));
const at = (...p: string[]) => path.join(tmp, ...p);
const shared = peer('shared');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** bin/lowbit.mjs in a child process, stdout and stderr piped. */
function lowbit(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: tmp, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

/** bin/lowbit.mjs on a pseudo-terminal (util-linux `script`): stdout and stderr together. */
function lowbitOnTerminal(...args: string[]): Promise<Result> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve) => {
    execFile('script', ['-qfec', cmd, '/dev/null'], { cwd: tmp, maxBuffer: 64 << 20 }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr: '' });
    });
  });
}

/** The first `n` Fashion-MNIST t10k images ([n,28,28] uint8) and labels, from the bundled IDX. */
function fashion(n: number): { images: Uint8Array; labels: Int32Array } {
  const images = zlib.gunzipSync(
    fs.readFileSync(path.join(DEMO, 'fashion-mnist', 't10k-images-idx3-ubyte.gz')),
  );
  const labels = zlib.gunzipSync(
    fs.readFileSync(path.join(DEMO, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz')),
  );
  return {
    images: new Uint8Array(images.subarray(16, 16 + n * 784)),
    labels: Int32Array.from(labels.subarray(8, 8 + n)),
  };
}

beforeAll(() => {
  fs.copyFileSync(MODEL, at('model.tflite'));
  const { images, labels } = fashion(200);
  fs.writeFileSync(at('x.npy'), npy('|u1', [200, 28, 28], images));
  fs.writeFileSync(at('x-flat.npy'), npy('|u1', [200, 784], images));
  fs.writeFileSync(at('y.npy'), npy('<i4', [200], labels));
  // Every label moved to the next class: labels that do not belong to the samples.
  fs.writeFileSync(
    at('y-wrong.npy'),
    npy(
      '<i4',
      [200],
      labels.map((y) => (y + 1) % 10),
    ),
  );
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('progress on stderr', () => {
  const quantize = (out: string, ...more: string[]) => [
    'quantize',
    MODEL,
    '--technique',
    'int8',
    '--calibration',
    CALIBRATION,
    '--out',
    at(out),
    ...more,
  ];

  it('piped: one line for the calibration stage, no carriage returns or escapes', async () => {
    const r = await lowbit(...quantize('piped.tflite'));
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('calibration samples'));
    expect(lines).toEqual(['calibration samples: 500/500']);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).not.toContain('\x1b');
  });

  it('on a terminal: a bar redrawn in place that ends at 500/500 100%', async () => {
    const r = await lowbitOnTerminal(...quantize('tty.tflite'));
    expect(r.code).toBe(0);
    // cli-progress moves to column 1 (ESC [1G) before each redraw of the same line.
    expect(r.stdout).toContain('\x1b[1Gcalibration samples [');
    expect(r.stdout).toMatch(/calibration samples \[█{30}\] 500\/500 100%/);
    expect(r.stdout).not.toContain('calibration samples: ');
    expect(r.stdout).toMatch(/wrote .*tty\.tflite: int8/);
  });

  it('--quiet: nothing on stderr, the result on stdout', async () => {
    const r = await lowbit(...quantize('quiet.tflite', '--quiet'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^wrote .*quiet\.tflite: int8, \d+ bytes/);
  });
});

describe('outputs', () => {
  it('rewrite takes --out (and still OUT), creating missing folders; the copy reads back the same', async () => {
    const viaFlag = at('r', 'a', 'b', 'copy.tflite');
    const r = await lowbit('rewrite', MODEL, '--out', viaFlag, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ input: MODEL, output: viaFlag, inputBytes: 83056 });
    const positional = await lowbit('rewrite', MODEL, at('r', 'c', 'copy2.tflite'));
    expect(positional.code).toBe(0);
    const a = await lowbit('inspect', viaFlag, '--json');
    const b = await lowbit('inspect', MODEL, '--json');
    expect(JSON.parse(a.stdout).ops).toEqual(JSON.parse(b.stdout).ops);
    const both = await lowbit('rewrite', MODEL, at('x.tflite'), '--out', at('y.tflite'));
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('the output is named twice');
  });

  it('every command that writes a file creates the missing folders of --out', async () => {
    const hello = path.join(tmp, 'model.tflite');
    const cases: [string, string[]][] = [
      ['q/1/2/dyn.tflite', ['quantize', hello, '--technique', 'dynamic', '--out']],
      ['d/1/2/float.tflite', ['dequantize', at('piped.tflite'), '--out']],
      ['u/1/2/m.uf2', ['uf2', hello, '--address', '0x10100000', '--out']],
      ['p/1/2/pruned.tflite', ['prune', hello, '--sparsity', '0.5', '--out']],
      ['e/1/2', ['export', hello, '--format', 'tflm', '--out']],
    ];
    for (const [out, args] of cases) {
      const r = await lowbit(...args, at(out));
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(fs.existsSync(at(out)), args[0]).toBe(true);
    }
  });

  it('refuses to overwrite the input before calibration starts; the input is unchanged', async () => {
    const before = fs.readFileSync(at('model.tflite'));
    const r = await lowbit(
      'quantize',
      at('model.tflite'),
      '--technique',
      'int8',
      '--calibration',
      CALIBRATION,
      '--out',
      at('model.tflite'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to overwrite the input');
    expect(r.stderr).not.toContain('calibrat');
    expect(Buffer.compare(fs.readFileSync(at('model.tflite')), before)).toBe(0);
  });
});

describe('words', () => {
  it('--technique is case-insensitive: INT8 and Dynamic write the same bytes as int8 and dynamic', async () => {
    for (const [upper, lower] of [
      ['Dynamic', 'dynamic'],
      ['FLOAT16', 'float16'],
    ]) {
      expect(
        (await lowbit('quantize', MODEL, '--technique', upper!, '--out', at(`${upper}.tflite`))).code,
      ).toBe(0);
      expect(
        (await lowbit('quantize', MODEL, '--technique', lower!, '--out', at(`${lower}.tflite`))).code,
      ).toBe(0);
      expect(
        Buffer.compare(fs.readFileSync(at(`${upper}.tflite`)), fs.readFileSync(at(`${lower}.tflite`))),
      ).toBe(0);
    }
  });

  it('a mistyped technique gets "did you mean"; a wrong one the list', async () => {
    const typo = await lowbit('quantize', MODEL, '--technique', 'int-8', '--out', at('t.tflite'));
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      '--technique "int-8" is not one of float16, dynamic, int8, int16x8; did you mean "int8"?',
    );
    const wrong = await lowbit('quantize', MODEL, '--technique', 'binary', '--out', at('t.tflite'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--technique "binary" is not one of float16, dynamic, int8, int16x8\n');
  });

  it('unknown flags, missing values and unknown commands in Lowbit words', async () => {
    const typo = await lowbit('quantize', MODEL, '--technque', 'int8', '--out', at('t.tflite'));
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^lowbit quantize: unknown option --technque; did you mean --technique\?/);
    expect(typo.stderr).not.toContain('positional');
    const missing = await lowbit('inspect', MODEL, '--json', '--runtime');
    expect(missing.stderr).toMatch(/^lowbit inspect: --runtime needs a value/);
    const value = await lowbit('inspect', MODEL, '--json=yes');
    expect(value.stderr).toMatch(/^lowbit inspect: --json takes no value/);
    const command = await lowbit('quantise', MODEL);
    expect(command.code).toBe(1);
    expect(command.stderr).toMatch(/^lowbit: unknown command "quantise"; did you mean "quantize"\?/);
  });

  it('a truncated model is called truncated (exit 2)', async () => {
    const bytes = fs.readFileSync(MODEL);
    fs.writeFileSync(at('cut.tflite'), bytes.subarray(0, 20_000));
    const r = await lowbit('inspect', at('cut.tflite'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${at('cut.tflite')}: the file is truncated or damaged: it has 20000 bytes`);
  });
});

describe('fit exit code', () => {
  it('0 when a board fits, 4 when none does (with the table or JSON still printed)', async () => {
    const fits = await lowbit('fit', MODEL, '--board', 'nucleo-f446re');
    expect(fits.code).toBe(0);
    expect(fits.stdout).toMatch(/nucleo-f446re .* fits/);
  });

  it.skipIf(!shared.ok)(`MobileNetV2 int8 fits no board: exit 4 ${shared.why}`, async () => {
    const mobilenet = path.join(
      shared.path!,
      'models',
      'tflite-micro',
      'mobilenet_v2_quantized_1x3x224x224.tflite',
    );
    const all = await lowbit('fit', mobilenet, '--json');
    expect(all.code).toBe(4);
    const boards = JSON.parse(all.stdout).boards as { fits: boolean }[];
    expect(boards.length).toBe(10);
    expect(boards.filter((b) => b.fits)).toEqual([]);
    const one = await lowbit('fit', mobilenet, '--board', 'nucleo-h743zi');
    expect(one.code).toBe(4);
    expect(one.stderr).toContain('does not fit nucleo-h743zi (exit code 4)');
  });
});

describe('evaluate warnings', () => {
  const evaluate = (x: string, y: string) =>
    lowbit(
      'evaluate',
      MODEL,
      '--dataset',
      at(x),
      '--labels',
      at(y),
      '--runs',
      '1',
      '--workers',
      '1',
      '--json',
    );

  it('right labels, images shaped like the input: accuracy far above chance, no warning', async () => {
    const r = await evaluate('x.npy', 'y.npy');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows[0].accuracy).toBeGreaterThan(0.85);
    expect(r.stderr).not.toContain('warning');
  });

  it('labels that do not belong to the samples: a chance-level warning', async () => {
    const r = await evaluate('x.npy', 'y-wrong.npy');
    expect(r.code).toBe(0);
    const acc = JSON.parse(r.stdout).rows[0].accuracy as number;
    expect(acc).toBeLessThan(0.1);
    expect(r.stderr).toMatch(
      /warning: fashion_cnn\.tflite: accuracy \d+\.\d% on 200 samples is no better than chance/,
    );
  });

  it('flat samples for an image model: a shape warning', async () => {
    const r = await evaluate('x-flat.npy', 'y.npy');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'holds samples of shape [784], the model input is [1,28,28,1]: the 784 values are fed in stored order, reshaped',
    );
  });
});
