// Issue 14, item 3 in the app: the edgetpu.compile job (main/services/edgetpu.ts) against a test
// peer for Coral's edgetpu_compiler — closed source, not redistributable, absent here — written
// by the test (test/support/edgetpu-compiler-peer.ts): it prints the compiler's real output
// formats and copies the model the real compiler produced for DeepLab. Success, a compiler that
// refuses the model, cancel, timeout, and no compiler at all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type {
  ConversionReport,
  EdgeTpuCheckReport,
  EdgeTpuCompileOutcome,
  InspectReport,
  JobFinished,
  ModelHandle,
} from '../../main/contract/types';
import { collect, value } from '../support/services-harness';
import { ROOT, SHARED } from '../support/shared';
import { openModel } from '../../main/engine/model/registry';
import { compileStem } from '../../main/services/edgetpu';
import {
  DEEPLAB_COMPILED,
  DEEPLAB_INPUT,
  DEEPLAB_LOG_DISAGREEING,
  DEEPLAB_STDOUT,
  DEEPLAB_STDOUT_DISAGREEING,
  FAILED_STDOUT,
  isAlive,
  writeCompilerPeer,
  type CompilerPeer,
} from '../support/edgetpu-compiler-peer';

const ENV = 'LOWBIT_EDGETPU_COMPILER';

describe.skipIf(!fs.existsSync(DEEPLAB_INPUT))('edgetpu.compile job', () => {
  let dir: string;
  let tmp: string;
  let peer: CompilerPeer;
  let services: ReturnType<typeof createServices>;
  let events: ReturnType<typeof collect>;
  let handle: ModelHandle;
  const savedEnv = process.env[ENV];
  const savedTmp = process.env.TMPDIR;
  const sharedBefore = fs.readdirSync(path.dirname(DEEPLAB_INPUT)).sort();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-compile-test-'));
    // The job's own temp folders go under TMPDIR: a folder of this test's, to see them removed.
    tmp = path.join(dir, 'tmp');
    fs.mkdirSync(tmp);
    process.env.TMPDIR = tmp;
    services = createServices({ mode: 'browser', version: 't', allowedFolders: [SHARED] });
    events = collect(services);
    handle = value<ModelHandle>(await services.handle('model.open', { path: DEEPLAB_INPUT }));
  });
  afterAll(async () => {
    await services.dispose();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    const peerDir = fs.mkdtempSync(path.join(dir, 'peer-'));
    peer = writeCompilerPeer(peerDir);
    process.env[ENV] = peer.executable;
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env[ENV];
    else process.env[ENV] = savedEnv;
    // Nothing is ever written beside the user's model, and every job folder is gone.
    expect(fs.readdirSync(path.dirname(DEEPLAB_INPUT)).sort()).toEqual(sharedBefore);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  const start = async (params: Record<string, unknown>) =>
    services.handle('jobs.start', { kind: 'edgetpu.compile', params: { modelId: handle.id, ...params } });
  const run = async (params: Record<string, unknown>): Promise<JobFinished> => {
    const { jobId } = value<{ jobId: string }>(await start(params));
    return events.waitFor(jobId, 60_000);
  };
  const stagesOf = (jobId: string) => events.progress.filter((p) => p.jobId === jobId);

  it('compiles: progress is the compiler output; its table, the prediction beside it, the compiled model', async () => {
    const f = await run({ minRuntime: 13, timeoutSec: 60 });
    expect(f.status).toBe('succeeded');
    const r = (f as { result: EdgeTpuCompileOutcome }).result;
    // The compiler got -s -m 13 -o <our temp folder> and the model's own bytes, in our temp folder.
    const args = peer.args();
    expect(args.slice(0, 4)).toEqual(['-s', '-m', '13', '-o']);
    expect(args[4]!.startsWith(tmp + path.sep)).toBe(true);
    expect(path.basename(args[5]!)).toBe('deeplabv3_mnv2_dm05_pascal_quant.tflite');
    expect(peer.seen().equals(fs.readFileSync(DEEPLAB_INPUT))).toBe(true);
    expect(r.flags).toEqual(['-s', '-m', '13']);
    expect(r.compiler).toBe(peer.executable);
    expect(r.exitCode).toBe(0);
    // Progress: each non-empty line the compiler printed, in order, numbered.
    const progress = stagesOf(f.jobId);
    const printed = DEEPLAB_STDOUT.split('\n').filter((l) => l.trim());
    expect(progress.map((p) => p.stage)).toEqual(
      printed.map((l) => (l.length > 500 ? `${l.slice(0, 500)}…` : l)),
    );
    expect(progress.map((p) => p.done)).toEqual(printed.map((_, i) => i + 1));
    // The compiler's result, parsed from stdout and the .log.
    expect(r.result).toMatchObject({
      compilerVersion: '16.0.384591198',
      compiled: true,
      failure: null,
      totalOps: 72,
      edgeTpuOps: 64,
      cpuOps: 8,
      onChipUsedBytes: Math.round(748.75 * 1024),
      offChipStreamedBytes: 0,
    });
    expect(r.result.rows).toHaveLength(9);
    expect(r.log).toContain('ARG_MAX                        1          Operation not supported');
    // Lowbit's prediction of the same model, and the two agreeing per op type and in total.
    const check = value<EdgeTpuCheckReport>(await services.handle('edgetpu.check', { modelId: handle.id }));
    expect(r.prediction).toEqual(check);
    expect(r.comparison.totals).toEqual({
      predicted: { edgeTpu: 64, cpu: 8 },
      compiler: { edgeTpu: 64, cpu: 8 },
      agree: true,
    });
    expect(r.comparison.byOpType.find((o) => o.op === 'RESIZE_BILINEAR')).toEqual({
      op: 'RESIZE_BILINEAR',
      predicted: { edgeTpu: 0, cpu: 3 },
      compiler: { edgeTpu: 0, cpu: 3 },
      agree: true,
    });
    expect(r.comparison.byOpType.every((o) => o.agree)).toBe(true);
    // The compiled model: registered like a produced model, its Edge TPU op described.
    expect(r.model).toMatchObject({ name: 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite', path: null });
    const bytes = value<Uint8Array>(await services.handle('model.bytes', { modelId: r.model!.id }));
    expect(Buffer.from(bytes).equals(fs.readFileSync(DEEPLAB_COMPILED))).toBe(true);
    expect(r.compiled?.minRuntimeVersion).toBe(12);
    expect(r.compiled?.customOps).toHaveLength(1);
    expect(r.compiled?.cpuOps.map((o) => o.name)).toContain('RESIZE_BILINEAR');
    const inspected = value<InspectReport>(await services.handle('model.inspect', { modelId: r.model!.id }));
    expect(inspected.edgetpu).toEqual(r.compiled);
  });

  it('a compiler that maps more than predicted: the op type and the totals disagree', async () => {
    peer.set('ok', DEEPLAB_STDOUT_DISAGREEING, DEEPLAB_LOG_DISAGREEING);
    const f = await run({ showOperations: false });
    expect(f.status).toBe('succeeded');
    expect(peer.args().slice(0, 1)).toEqual(['-o']); // no -s, no -m
    const r = (f as { result: EdgeTpuCompileOutcome }).result;
    expect(r.flags).toEqual([]);
    expect(r.comparison.totals).toEqual({
      predicted: { edgeTpu: 64, cpu: 8 },
      compiler: { edgeTpu: 65, cpu: 7 },
      agree: false,
    });
    expect(r.comparison.byOpType.filter((o) => !o.agree)).toEqual([
      {
        op: 'RESIZE_BILINEAR',
        predicted: { edgeTpu: 0, cpu: 3 },
        compiler: { edgeTpu: 1, cpu: 2 },
        agree: false,
      },
    ]);
  });

  it('a compiler that refuses the model (exit 1): its words, no model, nothing agreed', async () => {
    peer.set('fail', FAILED_STDOUT);
    const f = await run({});
    expect(f.status).toBe('succeeded');
    const r = (f as { result: EdgeTpuCompileOutcome }).result;
    expect(r.exitCode).toBe(1);
    expect(r.result).toMatchObject({ compiled: false, failure: 'Compilation failed!' });
    expect(r.model).toBeNull();
    expect(r.compiled).toBeNull();
    expect(r.comparison.totals.agree).toBeNull();
    expect(stagesOf(f.jobId).map((p) => p.stage)).toContain('Compilation failed!');

    // Exit 1 with nothing said: no words of its own, the exit status tells.
    peer.set('fail', '');
    const quiet = await run({});
    const q = (quiet as { result: EdgeTpuCompileOutcome }).result;
    expect(q.exitCode).toBe(1);
    expect(q.result).toMatchObject({
      compiled: false,
      failure: 'the compiler did not say the model compiled',
    });
    expect(q.model).toBeNull();
  });

  it('cancel kills the compiler and its child process; a second start meanwhile is busy', async () => {
    peer.set('hang', DEEPLAB_STDOUT);
    const { jobId } = value<{ jobId: string }>(await start({}));
    // Wait until it has printed (then its child is running and has written its pid).
    for (let i = 0; i < 3000 && stagesOf(jobId).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(stagesOf(jobId)[0]?.stage).toBe('Edge TPU Compiler version 16.0.384591198');
    const child = peer.childPid();
    expect(isAlive(child)).toBe(true);
    const busy = await start({});
    expect(!busy.ok && busy.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: /^busy:/ });
    value(await services.handle('jobs.cancel', { jobId }));
    const f = await events.waitFor(jobId);
    expect(f).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    for (let i = 0; i < 500 && isAlive(child); i++) await new Promise((r) => setTimeout(r, 10));
    expect(isAlive(child)).toBe(false);
    const again = await services.handle('jobs.cancel', { jobId });
    expect(!again.ok && again.error.code).toBe('INVALID_ARGUMENT');
  });

  it('timeout: stopped after timeoutSec, failed with the reason, its child gone', async () => {
    peer.set('hang', DEEPLAB_STDOUT);
    const f = await run({ timeoutSec: 1 });
    expect(f).toMatchObject({
      status: 'failed',
      error: { code: 'IO', message: 'edgetpu_compiler did not finish within 1 s: stopped' },
    });
    const child = peer.childPid();
    for (let i = 0; i < 500 && isAlive(child); i++) await new Promise((r) => setTimeout(r, 10));
    expect(isAlive(child)).toBe(false);
  });

  it('no compiler: jobs.start says how to get it; the check still works', async () => {
    process.env[ENV] = path.join(dir, 'nowhere', 'edgetpu_compiler');
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(dir, 'nowhere');
    try {
      const status = value<{ path: string | null; howTo: string }>(
        await services.handle('edgetpu.compiler', {}),
      );
      expect(status.path).toBeNull();
      const r = await start({});
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('NOT_FOUND');
      expect(r.error.message).toMatch(/apt-get install edgetpu-compiler/);
      expect(r.error.message).toMatch(/Docker/);
      const check = value<EdgeTpuCheckReport>(await services.handle('edgetpu.check', { modelId: handle.id }));
      expect(check.totals).toEqual({ edgeTpu: 64, cpu: 8, total: 72 });
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('an ONNX model goes to the compiler as the TFLite Lowbit converted it; names are made safe', async () => {
    const onnx = fs.readFileSync(path.join(ROOT, 'test/fixtures/onnx/fashion-cnn.onnx'));
    const h = value<ModelHandle>(
      await services.handle('model.load', { name: '../my model (1).onnx', bytes: new Uint8Array(onnx) }),
    );
    const { jobId } = value<{ jobId: string }>(
      await services.handle('jobs.start', { kind: 'edgetpu.compile', params: { modelId: h.id } }),
    );
    const f = await events.waitFor(jobId, 60_000);
    expect(f.status).toBe('succeeded');
    const r = (f as { result: EdgeTpuCompileOutcome }).result;
    expect(path.basename(peer.args().at(-1)!)).toBe('my_model__1_.tflite');
    const seen = peer.seen();
    expect(seen.subarray(4, 8).toString('latin1')).toBe('TFL3');
    const lowered = openModel(new Uint8Array(seen), 'seen.tflite').tflite;
    const conversion = value<ConversionReport>(await services.handle('model.conversion', { modelId: h.id }));
    const convertedOps = Object.values(conversion.tfliteOps).reduce((n, c) => n + c, 0);
    expect(lowered.subgraphs[0]!.operators.length).toBe(convertedOps);
    // The float model: the prediction says the compiler would refuse it, as the check does.
    expect(r.prediction.modelError?.message).toMatch(/not quantized/i);
    expect(r.model?.name).toBe('my_model__1__edgetpu.tflite');
    expect(compileStem('.-x/y\\..evil.TFLITE')).toBe('evil');
    expect(compileStem('...')).toBe('model');
  });

  it('arguments are validated: runtime 10 or more, seconds 1–3600, no extra fields, a known model', async () => {
    for (const params of [{ minRuntime: 9 }, { timeoutSec: 0 }, { timeoutSec: 3601 }, { extra: 1 }]) {
      const r = await start(params);
      expect(!r.ok && r.error.code, JSON.stringify(params)).toBe('INVALID_ARGUMENT');
    }
    const r = await services.handle('jobs.start', { kind: 'edgetpu.compile', params: { modelId: 'nope' } });
    expect(!r.ok && r.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: /no open model/ });
  });
});
