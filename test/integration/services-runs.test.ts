/**
 * Issue 17 items 3 and 8: a session's runs through the contract, with real engine jobs on the
 * bundled demo (assets/demo): every run kept with an id (a keep-float re-run beside the run it
 * came from), compare-all in one job (compareTechniques), the report in the CLI's formats, the
 * session file saved and reopened (and refused when damaged or for another model).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type {
  CompareResult,
  DemoHandles,
  JobFinished,
  OptimizeResult,
  Outcome,
  RunRecord,
  RunsExport,
} from '../../main/contract/types';
import { ROOT } from '../support/shared';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-runs-'));
const open = () => {
  const s = createServices({ mode: 'browser', version: '0.0.0-test', allowedFolders: [ROOT, tmp] });
  const finished = new Map<string, JobFinished>();
  s.subscribe((m) => {
    if (m.event === 'jobs.finished') finished.set((m.payload as JobFinished).jobId, m.payload as JobFinished);
  });
  return { s, finished };
};
const main = open();
const other = open();
afterAll(async () => {
  await main.s.dispose();
  await other.s.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function callOn<T>(svc: ReturnType<typeof open>, method: string, args: unknown): Promise<T> {
  const o: Outcome<unknown> = await svc.s.handle(method, args);
  if (!o.ok) throw Object.assign(new Error(`${o.error.code}: ${o.error.message}`), { code: o.error.code });
  return o.value as T;
}
const call = <T>(method: string, args: unknown) => callOn<T>(main, method, args);
async function job<T>(kind: string, params: Record<string, unknown>, svc = main): Promise<T> {
  const { jobId } = await callOn<{ jobId: string }>(svc, 'jobs.start', { kind, params });
  const t0 = Date.now();
  while (!svc.finished.has(jobId)) {
    if (Date.now() - t0 > 240_000) throw new Error(`job ${jobId} did not finish`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const f = svc.finished.get(jobId)!;
  if (f.status !== 'succeeded') throw new Error(`${f.status}: ${f.error.message}`);
  return f.result as T;
}

let demo: DemoHandles;
let first: OptimizeResult;
let second: OptimizeResult;
let compared: CompareResult;
let sessionText: string;

describe('runs of a session on the bundled demo', { timeout: 300_000 }, () => {
  it('an int8 run and its keep-float re-run are both kept, side by side, with their own figures', async () => {
    demo = await call<DemoHandles>('demo.open', {});
    const params = {
      modelId: demo.model.id,
      technique: 'int8',
      io: 'int8',
      calibrationDatasetId: demo.calibration.id,
      evaluationDatasetId: demo.dataset.id,
      evaluationSamples: 500,
      board: 'nucleo-f446re',
    };
    first = await job<OptimizeResult>('optimize.run', params);
    // The first convolution in float: its float output feeds the pooling, so the arena grows.
    expect(first.layers!.map((l) => l.name)).toContain('conv2d_0');
    second = await job<OptimizeResult>('optimize.run', { ...params, keepFloat: ['tensor:^conv2d_0$'] });
    const runs = await call<RunRecord[]>('runs.list', { sessionId: demo.model.id });
    expect(runs.map((r) => r.id)).toEqual([first.runId, second.runId]);
    expect(new Set(runs.map((r) => r.id)).size).toBe(2);
    expect(runs.map((r) => r.label)).toEqual(['#1 int8 (int8 I/O)', '#2 int8 (int8 I/O), 1 layer in float']);
    // Distinct models, distinct names: the re-run does not replace the first.
    expect(runs.map((r) => r.model.name)).toEqual(['fashion_cnn_int8.tflite', 'fashion_cnn_int8_2.tflite']);
    expect(runs[0]!.model.id).not.toBe(runs[1]!.model.id);
    // Issue 17 item 3's figures: the arena is 9.9 KiB integer-only, 39.6 KiB with conv2d_0 in
    // float (the planner's figures, deterministic); the model grows by the float weights.
    expect(runs.map((r) => r.row.arenaBytes)).toEqual([10144, 40560]);
    expect(runs[1]!.row.bytes).toBeGreaterThan(runs[0]!.row.bytes);
    expect(second.layers!.map((l) => l.name)).not.toContain('conv2d_0');
    for (const r of runs) {
      expect(r.row.accuracy).toBeGreaterThan(0.8);
      expect(r.baseline.technique).toBe('float32');
      expect(r.fit?.fits[0]?.board).toBe('nucleo-f446re');
      expect(r.unsaved).toBe(true);
    }
    // The first model is still open: fit works on it after the re-run.
    const fit = await call<{ fits: { fits: boolean }[] }>('deploy.fit', {
      modelId: runs[0]!.model.id,
      board: 'nucleo-f446re',
    });
    expect(fit.fits[0]!.fits).toBe(true);
  });

  it('compare all runs the candidates in one job: one comparison shared by one run each', async () => {
    compared = await job<CompareResult>('optimize.compare', {
      modelId: demo.model.id,
      candidates: [{ technique: 'float16' }, { technique: 'dynamic' }, { technique: 'int8', io: 'int8' }],
      calibrationDatasetId: demo.calibration.id,
      evaluationDatasetId: demo.dataset.id,
      evaluationSamples: 500,
      board: 'nucleo-f446re',
    });
    expect(compared.runs.map((r) => r.label)).toEqual(['#3 float16', '#4 dynamic', '#5 int8 (int8 I/O)']);
    // One table: float32 and the three candidates, shared by the three runs.
    expect(compared.runs[0]!.comparison.rows.map((r) => r.technique)).toEqual([
      'float32',
      'float16',
      'dynamic',
      'int8',
    ]);
    for (const r of compared.runs) expect(r.comparison).toEqual(compared.runs[0]!.comparison);
    const [f16, dyn, i8] = compared.runs.map((r) => r.row);
    expect(f16!.sizeRatio).toBeGreaterThan(0.45);
    expect(f16!.sizeRatio).toBeLessThan(0.55);
    expect(dyn!.sizeRatio).toBeLessThan(0.3);
    expect(i8!.sizeRatio).toBeLessThan(0.3);
    expect(i8!.arenaBytes).toBeLessThan(compared.runs[0]!.baseline.arenaBytes);
    // int8 with int8 I/O from the compare job measures as the single run did (same data, same model bytes).
    expect(i8!.bytes).toBe(first.comparison.rows.find((r) => r.technique === 'int8')!.bytes);
    expect(i8!.accuracy).toBe(first.comparison.rows.find((r) => r.technique === 'int8')!.accuracy);
    const all = await call<RunRecord[]>('runs.list', { sessionId: demo.model.id });
    expect(all).toHaveLength(5);
  });

  it('compare refuses a calibrating technique without a sample, and the same technique twice', async () => {
    await expect(
      call('jobs.start', {
        kind: 'optimize.compare',
        params: { modelId: demo.model.id, candidates: [{ technique: 'int8' }] },
      }),
    ).rejects.toThrow(/INVALID_ARGUMENT: int8 need a representative sample/);
    await expect(
      call('jobs.start', {
        kind: 'optimize.compare',
        params: { modelId: demo.model.id, candidates: [{ technique: 'dynamic' }, { technique: 'dynamic' }] },
      }),
    ).rejects.toThrow(/each technique once/);
  });

  it('the report is the CLI writers over every run: Markdown, JSON and HTML', async () => {
    const md = await call<RunsExport>('runs.export', { sessionId: demo.model.id, format: 'markdown' });
    expect(md.name).toBe('fashion_cnn_report.md');
    const lines = md.text.split('\n');
    // The header of `lowbit evaluate --report`'s report.md.
    expect(lines).toContain(
      '| technique | size | ratio | gzip | accuracy | Δ pts | agreement | SQNR | latency median / p90 | threads | speed-up | arena |',
    );
    const rows = lines.filter((l) => /^\| (float32|#\d)/.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual([
      '| float32',
      '| #1 int8 (int8 I/O)',
      '| #2 int8 (int8 I/O), 1 layer in float',
      '| #3 float16',
      '| #4 dynamic',
      '| #5 int8 (int8 I/O)',
    ]);
    const json = JSON.parse(
      (await call<RunsExport>('runs.export', { sessionId: demo.model.id, format: 'json' })).text,
    ) as { rows: { technique: string; arenaBytes: number; file: string }[] };
    expect(json.rows).toHaveLength(6);
    expect(json.rows[2]).toMatchObject({
      technique: '#2 int8 (int8 I/O), 1 layer in float',
      file: 'fashion_cnn_int8_2.tflite',
    });
    const runs = await call<RunRecord[]>('runs.list', { sessionId: demo.model.id });
    expect(json.rows[1]!.arenaBytes).toBe(runs[0]!.row.arenaBytes);
    const html = await call<RunsExport>('runs.export', {
      sessionId: demo.model.id,
      format: 'html',
      runIds: [runs[1]!.id, runs[0]!.id],
    });
    expect(html.text).toMatch(/^<!doctype html>/);
    expect(html.text).toContain('Content-Security-Policy');
    expect(html.text.indexOf('#2 int8')).toBeLessThan(html.text.indexOf('#1 int8'));
    expect(html.text).not.toContain('#3 float16');
    await expect(
      call('runs.export', { sessionId: demo.model.id, format: 'html', runIds: ['nope'] }),
    ).rejects.toThrow(/no run nope/);
  });

  it('a session file reopens the runs with their models, in another app session, on the same model only', async () => {
    const out = await call<RunsExport>('runs.export', { sessionId: demo.model.id, format: 'session' });
    expect(out.name).toBe('fashion_cnn.lowbit-session.json');
    sessionText = out.text;
    // Written to a session file, the runs are no longer unsaved.
    expect(
      (await call<RunRecord[]>('runs.list', { sessionId: demo.model.id })).every((r) => !r.unsaved),
    ).toBe(true);
    const before = await call<RunRecord[]>('runs.list', { sessionId: demo.model.id });
    const demo2 = await callOn<DemoHandles>(other, 'demo.open', {});
    const reopened = await callOn<RunRecord[]>(other, 'runs.open', {
      sessionId: demo2.model.id,
      text: sessionText,
    });
    expect(reopened.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(reopened.map((r) => r.label)).toEqual(before.map((r) => r.label));
    expect(reopened.map((r) => r.row)).toEqual(before.map((r) => r.row));
    expect(reopened.map((r) => r.model.sizeBytes)).toEqual(before.map((r) => r.model.sizeBytes));
    expect(reopened.every((r) => r.origin === 'file' && !r.unsaved)).toBe(true);
    // The fit is recomputed from the model, not read from the file: the same figures.
    expect(reopened[1]!.fit).toEqual(before[1]!.fit);
    // The reopened models are real: export the re-run's model for TFLite Micro.
    const exp = await callOn<{ files: { name: string }[] }>(other, 'deploy.export', {
      modelId: reopened[1]!.model.id,
      format: 'tflm',
    });
    expect(exp.files.map((f) => f.name)).toContain('fashion_cnn_int8_2_data.h');
    // Reopened twice: the runs are added again with fresh ids and numbers.
    const again = await callOn<RunRecord[]>(other, 'runs.open', {
      sessionId: demo2.model.id,
      text: sessionText,
    });
    expect(again[0]!.label).toBe('#6 int8 (int8 I/O)');
    expect(new Set([...reopened, ...again].map((r) => r.id)).size).toBe(10);
  });

  it('a damaged or foreign session file is refused and adds nothing', async () => {
    const sessionId = demo.model.id;
    const n = (await call<RunRecord[]>('runs.list', { sessionId })).length;
    const refuse = async (text: string, re: RegExp) => {
      await expect(call('runs.open', { sessionId, text })).rejects.toThrow(re);
      expect(await call<RunRecord[]>('runs.list', { sessionId })).toHaveLength(n);
    };
    await refuse('{not json', /not JSON/);
    await refuse('{"format":"something"}', /not a Lowbit session file/);
    const s = JSON.parse(sessionText) as {
      runs: { comparison: { rows: { accuracy: number }[] }; model: { base64: string; name: string } }[];
      model: { sha256: string };
    };
    const tamper = (f: (x: typeof s) => void) => {
      const c = structuredClone(s);
      f(c);
      return JSON.stringify(c);
    };
    await refuse(
      tamper((c) => (c.runs[1]!.comparison.rows[1]!.accuracy = 7)),
      /runs\.1\.comparison\.rows\.1\.accuracy: too big/,
    );
    await refuse(
      tamper((c) => (c.runs[0]!.model.name = '../../evil.tflite')),
      /runs\.0\.model\.name/,
    );
    // A model whose bytes are not a model: the reader refuses it, the runs read before it are closed.
    const junk = Buffer.alloc(Buffer.from(s.runs[2]!.model.base64, 'base64').length, 0x41).toString('base64');
    await refuse(
      tamper((c) => (c.runs[2]!.model.base64 = junk)),
      /MODEL_FORMAT/,
    );
    await refuse(
      tamper((c) => (c.model.sha256 = 'a'.repeat(64))),
      /saved for another model .* not fashion_cnn\.tflite/,
    );
  });

  it('closing the model drops its runs and their models', async () => {
    const runs = await call<RunRecord[]>('runs.list', { sessionId: demo.model.id });
    await call('model.close', { modelId: demo.model.id });
    await expect(call('runs.list', { sessionId: demo.model.id })).rejects.toThrow(/no open model/);
    await expect(call('deploy.fit', { modelId: runs[0]!.model.id })).rejects.toThrow(/no open model/);
  });

  it('closing the model during a run cancels it and keeps nothing', async () => {
    const d = await callOn<DemoHandles>(other, 'demo.open', {});
    const { jobId } = await callOn<{ jobId: string }>(other, 'jobs.start', {
      kind: 'optimize.run',
      params: {
        modelId: d.model.id,
        technique: 'int8',
        calibrationDatasetId: d.calibration.id,
        evaluationDatasetId: d.dataset.id,
      },
    });
    await callOn(other, 'model.close', { modelId: d.model.id });
    const t0 = Date.now();
    while (!other.finished.has(jobId) && Date.now() - t0 < 60_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(other.finished.get(jobId)).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
  });
});
