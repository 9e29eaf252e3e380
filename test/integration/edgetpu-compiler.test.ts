// Issue 14, item 3: edgetpu_compiler output parsed into the check's per-op rows (on real output
// quoted in public issues, test/fixtures/edgetpu/, each naming its source), and the compiler run
// as a cancellable, time-limited child process: a fake compiler on PATH stands in for Coral's,
// which is closed source and absent here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCompilerOutput } from '../../main/engine/targets/edgetpu/compiler-log';
import { findEdgeTpuCompiler, runEdgeTpuCompiler } from '../../main/files/edgetpu-compiler';
import { lowbitInProcess } from '../support/cli';
import { ROOT, sharedPath } from '../support/shared';

const fixture = (name: string) => path.join(ROOT, 'test/fixtures/edgetpu', name);
const readFixture = (name: string) => fs.readFileSync(fixture(name), 'utf8');

describe('parseCompilerOutput on real edgetpu_compiler output', () => {
  it('v15 stdout (PINTO0309/openvino2tensorflow#28): memory, subgraphs, 78 on the Edge TPU, 6 on the CPU', () => {
    const r = parseCompilerOutput(readFixture('v15-resnet18-stdout.txt'));
    expect(r).toMatchObject({
      compilerVersion: '15.0.340273435',
      compiled: true,
      failure: null,
      outputModel: 'resnet18/model_full_integer_quant_edgetpu.tflite',
      logFile: 'resnet18/model_full_integer_quant_edgetpu.log',
      onChipUsedBytes: Math.round(6.15 * 2 ** 20),
      onChipRemainingBytes: Math.round(5.75 * 1024),
      offChipStreamedBytes: Math.round(7.03 * 2 ** 20),
      edgeTpuSubgraphs: 1,
      totalOps: 84,
      edgeTpuOps: 78,
      cpuOps: 6,
    });
    expect(r.rows).toEqual([
      expect.objectContaining({
        index: null,
        op: 'CONV_2D',
        count: 1,
        status: 'More than one subgraph is not supported',
      }),
    ]);
  });

  it('v15 table (google-coral/edgetpu#342): every row with its count and status, the counts add up', () => {
    const r = parseCompilerOutput(readFixture('v15-issue342-table.txt'));
    expect(r.rows.map((x) => [x.op, x.count, x.status])).toEqual([
      ['TRANSPOSE', 70, 'Operation not supported'],
      ['FULLY_CONNECTED', 1, 'More than one subgraph is not supported'],
      ['PAD', 1, 'Mapped to Edge TPU'],
      ['PAD', 17, 'More than one subgraph is not supported'],
      ['ADD', 10, 'More than one subgraph is not supported'],
      ['MEAN', 2, 'More than one subgraph is not supported'],
      ['CONV_2D', 35, 'More than one subgraph is not supported'],
      ['QUANTIZE', 1, 'Mapped to Edge TPU'],
      ['QUANTIZE', 1, 'Operation is otherwise supported, but not mapped due to some unspecified limitation'],
      ['DEPTHWISE_CONV_2D', 17, 'More than one subgraph is not supported'],
    ]);
    expect([r.edgeTpuOps, r.cpuOps]).toEqual([2, 153]);
    expect(r.rows.reduce((n, x) => n + x.count, 0)).toBe(155);
    expect(r.rows[0]!.fix).toMatch(/replace it/);
  });

  it('v16 .log (ultralytics/hub#1136): version from the header, counts from the rows when stdout is absent', () => {
    const r = parseCompilerOutput(readFixture('v16-yolov8n-log.txt'));
    expect(r.compilerVersion).toBe('16.0.384591198');
    expect(r.outputModel).toBe('yolov8n-face_saved_model/yolov8n-face_full_integer_quant_edgetpu.tflite');
    expect(r.rows).toHaveLength(14);
    expect(r.edgeTpuOps).toBe(6 + 57 + 3 + 7 + 2 + 2 + 63 + 16);
    expect(r.cpuOps).toBe(2 + 1 + 1 + 1 + 1 + 1);
    expect(r.compiled).toBe(false); // a .log alone does not say the model compiled
  });

  it('v16 stdout (motokimura/yolox-ti-lite_tflite#2): "0.00B" streamed, 139 of 143 on the Edge TPU', () => {
    const r = parseCompilerOutput(readFixture('v16-yolox-stdout.txt'));
    expect(r).toMatchObject({
      compiled: true,
      offChipStreamedBytes: 0,
      totalOps: 143,
      edgeTpuOps: 139,
      cpuOps: null,
    });
    expect(r.onChipRemainingBytes).toBe(Math.round(1.21 * 2 ** 20));
  });

  it("v16 failure (google-coral/edgetpu#187): not compiled, in the compiler's words", () => {
    const r = parseCompilerOutput(readFixture('v16-failed.txt'));
    expect(r).toMatchObject({
      compilerVersion: '16.0.384591198',
      compiled: false,
      failure: 'Compilation failed!',
      rows: [],
    });
  });
});

describe('runEdgeTpuCompiler with a fake edgetpu_compiler on PATH', () => {
  let dir: string;
  let bin: string;
  const saved = {
    PATH: process.env.PATH,
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('FAKE_EDGETPU'))),
  };
  const input = sharedPath('models', 'coral', 'deeplabv3_mnv2_dm05_pascal_quant.tflite');
  const compiled = sharedPath('models', 'coral', 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite');
  const haveModels = fs.existsSync(input);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-edgetpu-'));
    bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const fake = path.join(bin, 'edgetpu_compiler');
    fs.writeFileSync(
      fake,
      `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'test/support/fake-edgetpu-compiler.mjs')}" "$@"\n`,
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}${path.delimiter}${saved.PATH}`;
    process.env.FAKE_EDGETPU_ARGS = path.join(dir, 'args.json');
    // What the compiler prints for the DeepLab pair, built from the real compiled model's facts
    // (64 ops in the custom op, 8 on the CPU) in the format of the fixtures above.
    const stdout = path.join(dir, 'stdout.txt');
    fs.writeFileSync(
      stdout,
      [
        'Edge TPU Compiler version 16.0.384591198',
        'Started a compilation timeout timer of 180 seconds.',
        '',
        'Model compiled successfully in 812 ms.',
        '',
        'Input model: deeplabv3_mnv2_dm05_pascal_quant.tflite',
        'Output model: deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite',
        'On-chip memory used for caching model parameters: 748.75KiB',
        'On-chip memory remaining for caching model parameters: 6.08MiB',
        'Off-chip memory used for streaming uncached model parameters: 0.00B',
        'Number of Edge TPU subgraphs: 1',
        'Total number of operations: 72',
        'Operation log: deeplabv3_mnv2_dm05_pascal_quant_edgetpu.log',
        '',
        'Number of operations that will run on Edge TPU: 64',
        'Number of operations that will run on CPU: 8',
        '',
      ].join('\n'),
    );
    const log = path.join(dir, 'log.txt');
    fs.writeFileSync(
      log,
      [
        'Edge TPU Compiler version 16.0.384591198',
        '',
        'Operator                       Count      Status',
        '',
        'CONV_2D                        36         Mapped to Edge TPU',
        'CONV_2D                        2          More than one subgraph is not supported',
        'DEPTHWISE_CONV_2D              17         Mapped to Edge TPU',
        'ADD                            10         Mapped to Edge TPU',
        'AVERAGE_POOL_2D                1          Mapped to Edge TPU',
        'RESIZE_BILINEAR                3          Operation is otherwise supported, but not mapped due to some unspecified limitation',
        'QUANTIZE                       1          More than one subgraph is not supported',
        'CONCATENATION                  1          More than one subgraph is not supported',
        'ARG_MAX                        1          Operation not supported',
        '',
      ].join('\n'),
    );
    process.env.FAKE_EDGETPU_STDOUT = stdout;
    process.env.FAKE_EDGETPU_LOG = log;
    process.env.FAKE_EDGETPU_COMPILED = compiled;
    delete process.env.FAKE_EDGETPU_MODE;
  });

  afterEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('FAKE_EDGETPU')) delete process.env[k];
    Object.assign(process.env, saved);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds it on PATH; says how to get it when absent', async () => {
    expect(findEdgeTpuCompiler()).toBe(path.join(bin, 'edgetpu_compiler'));
    expect(findEdgeTpuCompiler(undefined, { PATH: path.join(dir, 'nowhere') })).toBeNull();
    process.env.PATH = path.join(dir, 'nowhere');
    const r = await lowbitInProcess('edgetpu', 'compile', path.join(dir, 'x.tflite'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/edgetpu_compiler was not found/);
    expect(r.stderr).toMatch(/apt-get install edgetpu-compiler/);
    expect(r.stderr).toMatch(/Docker/);
  });

  it.skipIf(!haveModels)(
    'runs with -s -m -o, parses stdout and .log, writes the outputs, and agrees with the prediction',
    async () => {
      const out = path.join(dir, 'out');
      const r = await lowbitInProcess('edgetpu', 'compile', input, '-o', out, '-m', '13', '--json');
      expect(r.stderr).toContain('edgetpu_compiler: Model compiled successfully in 812 ms.');
      expect(r.code).toBe(0);
      const args = JSON.parse(fs.readFileSync(path.join(dir, 'args.json'), 'utf8')) as string[];
      expect(args.slice(0, 4)).toEqual(['-s', '-m', '13', '-o']);
      expect(args.at(-1)).toBe(path.resolve(input));
      const report = JSON.parse(r.stdout);
      expect(report.outputModel).toBe(path.join(out, 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite'));
      expect(fs.readFileSync(report.outputModel)).toEqual(fs.readFileSync(compiled));
      expect(
        fs.readFileSync(path.join(out, 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.log'), 'utf8'),
      ).toContain('ARG_MAX');
      expect(fs.readdirSync(out).sort()).toEqual([
        'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.log',
        'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite',
      ]);
      expect(report.result).toMatchObject({
        compiled: true,
        edgeTpuOps: 64,
        cpuOps: 8,
        onChipUsedBytes: Math.round(748.75 * 1024),
      });
      expect(report.comparison.totals).toEqual({
        predicted: { edgeTpu: 64, cpu: 8 },
        compiler: { edgeTpu: 64, cpu: 8 },
        agree: true,
      });
      expect(report.comparison.byOpType.every((o: { agree: boolean }) => o.agree)).toBe(true);
      expect(report.compiled.minRuntimeVersion).toBe(12);
      const human = await lowbitInProcess('edgetpu', 'compile', input, '-o', path.join(dir, 'out2'), '-s');
      expect(human.stdout).toContain(
        'Edge TPU ops: compiler 64, Lowbit predicted 64; CPU ops: compiler 8, predicted 8 (agree)',
      );
      expect(human.stdout).toContain("the compiler's operator table:");
    },
  );

  it.skipIf(!haveModels)('a failing compiler: exit 2, its words, nothing written', async () => {
    process.env.FAKE_EDGETPU_MODE = 'fail';
    process.env.FAKE_EDGETPU_STDOUT = fixture('v16-failed.txt');
    const out = path.join(dir, 'out');
    const r = await lowbitInProcess('edgetpu', 'compile', input, '-o', out, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).result).toMatchObject({ compiled: false, failure: 'Compilation failed!' });
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it.skipIf(!haveModels)('timeout and cancel stop the compiler and leave nothing behind', async () => {
    process.env.FAKE_EDGETPU_MODE = 'hang';
    const out = path.join(dir, 'out');
    const t0 = Date.now();
    await expect(runEdgeTpuCompiler(input, { outDir: out, timeoutMs: 300 })).rejects.toThrow(
      /did not finish within 0 s/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(fs.readdirSync(out)).toEqual([]);
    const abort = new AbortController();
    const lines: string[] = [];
    const run = runEdgeTpuCompiler(input, {
      outDir: out,
      signal: abort.signal,
      onLine: (l) => {
        lines.push(l);
        abort.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(lines[0]).toBe('Edge TPU Compiler version 16.0.384591198');
    expect(fs.readdirSync(out)).toEqual([]);
  });
});
