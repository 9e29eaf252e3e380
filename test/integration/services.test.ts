/** Issue 2: the services behind the contract — validation, errors as {code, message}, jobs in workers. */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type { EventMessage, InspectReport, JobFinished, ModelHandle } from '../../main/contract/types';
import { readBytes, SHARED, sharedPath } from '../support/shared';

// What `lowbit serve --allow` would grant: the reference models, and a folder that does not exist
// (so a missing file inside the grants is still reported as missing).
const services = createServices({
  mode: 'browser',
  version: '0.0.0-test',
  allowedFolders: [SHARED, '/nonexistent'],
});
const events: EventMessage[] = [];
services.subscribe((m) => events.push(m));
afterAll(() => services.dispose());

const personDetect = sharedPath('models', 'tflite-micro', 'person_detect.tflite');

describe('services', () => {
  it('rejects unknown methods and invalid arguments with INVALID_ARGUMENT', async () => {
    expect(await services.handle('model.delete', {})).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'unknown method model.delete' },
    });
    const bad = await services.handle('model.inspect', { modelId: 42 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe('INVALID_ARGUMENT');
    const extra = await services.handle('model.open', { path: '/x', evil: true });
    expect(!extra.ok && extra.error.code).toBe('INVALID_ARGUMENT');
  });

  it('opens a model by path and inspects it', async () => {
    const opened = await services.handle('model.open', { path: personDetect });
    expect(opened.ok).toBe(true);
    const handle = (opened as { value: ModelHandle }).value;
    expect(handle).toMatchObject({ name: 'person_detect.tflite', sizeBytes: 300568, format: 'tflite' });
    const r = await services.handle('model.inspect', { modelId: handle.id });
    const report = (r as { value: InspectReport }).value;
    expect(report.opCounts).toEqual({
      CONV_2D: 14,
      DEPTHWISE_CONV_2D: 14,
      AVERAGE_POOL_2D: 1,
      RESHAPE: 1,
      SOFTMAX: 1,
    });
    expect(report.subgraphs[0]!.tensors[report.subgraphs[0]!.inputs[0]!]).toMatchObject({
      shape: [1, 96, 96, 1],
      dtype: 'int8',
    });
    const recent = await services.handle('model.recent', {});
    expect((recent as { value: { name: string }[] }).value[0]!.name).toBe('person_detect.tflite');
  });

  it('answers a malformed upload with MODEL_FORMAT naming the file', async () => {
    const bytes = readBytes(personDetect).slice(0, 1000);
    const r = await services.handle('model.load', { name: 'broken.tflite', bytes });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('MODEL_FORMAT');
    expect(!r.ok && r.error.message).toMatch(/^broken\.tflite: /);
  });

  it('a missing file is an IO error naming the path', async () => {
    const r = await services.handle('model.open', { path: '/nonexistent/model.tflite' });
    expect(!r.ok && r.error).toEqual({ code: 'IO', message: '/nonexistent/model.tflite: no such file' });
  });

  it('runs a job in a worker thread with progress and a result', async () => {
    const loaded = await services.handle('model.load', { name: 'pd.tflite', bytes: readBytes(personDetect) });
    const id = (loaded as { value: ModelHandle }).value.id;
    const started = await services.handle('jobs.start', { kind: 'model.verify', params: { modelId: id } });
    const jobId = (started as { value: { jobId: string } }).value.jobId;
    const finished = await waitFor(
      (m) => m.event === 'jobs.finished' && (m.payload as JobFinished).jobId === jobId,
    );
    expect(finished.payload).toMatchObject({
      status: 'succeeded',
      result: { identical: true, inputBytes: 300568 },
    });
    const progress = events.filter(
      (m) => m.event === 'jobs.progress' && (m.payload as { jobId: string }).jobId === jobId,
    );
    expect(progress.map((m) => (m.payload as { done: number }).done)).toEqual([0, 1, 2, 3]);
  });

  it('cancelling a job reports it cancelled', async () => {
    const loaded = await services.handle('model.load', { name: 'pd.tflite', bytes: readBytes(personDetect) });
    const id = (loaded as { value: ModelHandle }).value.id;
    const started = await services.handle('jobs.start', { kind: 'model.verify', params: { modelId: id } });
    const jobId = (started as { value: { jobId: string } }).value.jobId;
    expect(await services.handle('jobs.cancel', { jobId })).toEqual({ ok: true, value: undefined });
    const finished = await waitFor(
      (m) => m.event === 'jobs.finished' && (m.payload as JobFinished).jobId === jobId,
    );
    expect(finished.payload).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
  });
});

function waitFor(pred: (m: EventMessage) => boolean, timeoutMs = 30_000): Promise<EventMessage> {
  const found = events.find(pred);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('event not received')), timeoutMs);
    const off = services.subscribe((m) => {
      if (pred(m)) {
        clearTimeout(t);
        off();
        resolve(m);
      }
    });
  });
}
