/**
 * Issue 15: the train.run job through the contract: every argument validated in main (zod shape,
 * the recipe by the engine's registry, the dataset opened for this model and labelled), errors
 * as {code, message}; jobs.stop only for training jobs; and, with the engine merged, a real run
 * on the demo's held-out training images: per-epoch figures on the progress events, the trained
 * model registered (nothing written), stop keeping the best model so far.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type {
  DatasetHandle,
  DemoHandles,
  JobFinished,
  JobProgress,
  Outcome,
  TrainJobResult,
} from '../../main/contract/types';
import { readTflite } from '../../main/engine/tflite/reader';
import { ROOT } from '../support/shared';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-train-svc-'));
const services = createServices({ mode: 'browser', version: '0.0.0-test', allowedFolders: [ROOT, tmp] });
const finished = new Map<string, JobFinished>();
const progress: JobProgress[] = [];
services.subscribe((m) => {
  if (m.event === 'jobs.finished') finished.set((m.payload as JobFinished).jobId, m.payload as JobFinished);
  if (m.event === 'jobs.progress') progress.push(m.payload as JobProgress);
});
afterAll(async () => {
  await services.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function call<T>(method: string, args: unknown): Promise<T> {
  const o: Outcome<unknown> = await services.handle(method, args);
  if (!o.ok) throw new Error(`${o.error.code}: ${o.error.message}`);
  return o.value as T;
}
async function refused(method: string, args: unknown): Promise<{ code: string; message: string }> {
  const o = await services.handle(method, args);
  if (o.ok) throw new Error(`${method} was accepted`);
  return o.error;
}
async function waitFor(jobId: string, ms = 120_000): Promise<JobFinished> {
  const t0 = Date.now();
  while (!finished.has(jobId)) {
    if (Date.now() - t0 > ms) throw new Error(`job ${jobId} did not finish in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return finished.get(jobId)!;
}

let demo: DemoHandles;
let train: DatasetHandle;

describe('train.run through the contract', () => {
  it('opens the demo and its 500 held-out training images, labelled', async () => {
    demo = await call<DemoHandles>('demo.open', {});
    train = (await call<DatasetHandle>('datasets.open', {
      modelId: demo.model.id,
      path: path.join(ROOT, 'assets/demo/fashion-mnist'),
      split: 'calibration',
      labelled: true,
    }))!;
    expect(train.count).toBe(500);
    expect(train.labelled).toBe(true);
  });

  it.each([
    [
      { recipe: 'qat ; rm' },
      'jobs.start: invalid argument params.recipe: expected steps like qat or prune:0.5,cluster:16,qat',
    ],
    [{ recipe: 'qat', valSplit: 1 }, 'params.valSplit'],
    [{ recipe: 'qat', epochs: 0 }, 'params.epochs'],
    [{ recipe: 'qat', learningRate: -1 }, 'params.learningRate'],
    [{ recipe: 'qat', batchSize: 1.5 }, 'params.batchSize'],
    [{ recipe: 'qat', extra: true }, 'params'],
  ])('refuses %j in the schema (INVALID_ARGUMENT)', async (over, message) => {
    const e = await refused('jobs.start', {
      kind: 'train.run',
      params: { modelId: demo.model.id, datasetId: train.id, ...over },
    });
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(message);
  });

  it('refuses a recipe the registry does not know, an unlabelled dataset and an unknown dataset', async () => {
    const bad = await refused('jobs.start', {
      kind: 'train.run',
      params: { modelId: demo.model.id, datasetId: train.id, recipe: 'sharpen' },
    });
    expect(bad).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(bad.message).toMatch(/^recipe "sharpen": /);
    const unlabelled = await refused('jobs.start', {
      kind: 'train.run',
      params: { modelId: demo.model.id, datasetId: demo.calibration.id, recipe: 'finetune' },
    });
    expect(unlabelled.code).toBe('INVALID_ARGUMENT');
    expect(unlabelled.message).toContain('training needs labelled data');
    const unknown = await refused('jobs.start', {
      kind: 'train.run',
      params: { modelId: demo.model.id, datasetId: 'nope', recipe: 'finetune' },
    });
    expect(unknown.code).toBe('INVALID_ARGUMENT');
    expect(await refused('jobs.stop', { jobId: 'nope' })).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('trains: one epoch figure per epoch on the progress events, the best model registered, nothing written', async () => {
    const before = fs.readdirSync(path.join(ROOT, 'assets/demo')).sort();
    const { jobId } = await call<{ jobId: string }>('jobs.start', {
      kind: 'train.run',
      params: {
        modelId: demo.model.id,
        datasetId: train.id,
        recipe: 'finetune',
        epochs: 2,
        batchSize: 32,
        workers: 1,
        evaluationDatasetId: demo.dataset.id,
      },
    });
    const f = await waitFor(jobId);
    if (f.status !== 'succeeded') throw new Error(`${f.status}: ${f.error.message}`);
    const r = f.result as TrainJobResult;
    const epochs = progress.filter((p) => p.jobId === jobId && p.epoch).map((p) => p.epoch!);
    expect(epochs).toEqual(r.epochs);
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(r.cancelled).toBe(false);
    expect(r.evaluation).toBe('fashion-mnist (t10k), 2000 samples');
    expect(r.float.accuracy).toBeGreaterThan(0.8);
    expect(r.trained.accuracy).toBeGreaterThan(0.5);
    const bytes = await call<Uint8Array>('model.bytes', { modelId: r.model.id });
    expect(bytes.length).toBe(r.trained.bytes);
    readTflite(bytes);
    expect(r.model.path).toBeNull();
    expect(fs.readdirSync(path.join(ROOT, 'assets/demo')).sort()).toEqual(before);
  }, 180_000);

  it('jobs.stop ends after the current batch and keeps the best model so far', async () => {
    const { jobId } = await call<{ jobId: string }>('jobs.start', {
      kind: 'train.run',
      params: {
        modelId: demo.model.id,
        datasetId: train.id,
        recipe: 'finetune',
        epochs: 50,
        batchSize: 16,
      },
    });
    const t0 = Date.now();
    while (!progress.some((p) => p.jobId === jobId && p.epoch)) {
      if (Date.now() - t0 > 120_000) throw new Error('no epoch ended');
      await new Promise((r) => setTimeout(r, 20));
    }
    await call('jobs.stop', { jobId });
    const f = await waitFor(jobId);
    if (f.status !== 'succeeded') throw new Error(`${f.status}: ${f.error.message}`);
    const r = f.result as TrainJobResult;
    expect(r.cancelled).toBe(true);
    expect(r.epochs.length).toBeGreaterThanOrEqual(1);
    expect(r.epochs.length).toBeLessThan(50);
    expect(r.epochs.some((e) => e.epoch === r.bestEpoch)).toBe(true);
    // No workers given: Lowbit chose, after timing the first batches on this thread.
    expect(r.threads.auto).toBe(true);
    expect(r.threads.inlineMs).toBeGreaterThan(0);
  }, 180_000);
});
