/** Issue 17, item 10: the `model.analyze` call — validated, the same report as the CLI, peak = deploy.fit's arena. */
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type { FitReport, ModelAnalysis, ModelHandle, Outcome } from '../../main/contract/types';
import { analyzeModel } from '../../main/engine/analysis/analyze';
import { openModelFile } from '../../main/files/model-file';
import { ROOT, SHARED, sharedPath } from '../support/shared';
import path from 'node:path';

const services = createServices({ mode: 'browser', version: '0.0.0-test', allowedFolders: [SHARED, ROOT] });
afterAll(() => services.dispose());

async function call<T>(method: string, args: unknown): Promise<T> {
  const r = (await services.handle(method, args)) as Outcome<T>;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('model.analyze', () => {
  it('rejects a bad argument and an unknown model as INVALID_ARGUMENT', async () => {
    const bad = await services.handle('model.analyze', { modelId: 7 });
    expect(!bad.ok && bad.error.code).toBe('INVALID_ARGUMENT');
    const unknown = await services.handle('model.analyze', { modelId: 'nope' });
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it.each([
    ['person_detect', sharedPath('models', 'tflite-micro', 'person_detect.tflite')],
    ['fashion-cnn.onnx', path.join(ROOT, 'test/fixtures/onnx/fashion-cnn.onnx')],
  ])('%s: the report of the engine, its peak the arena deploy.fit budgets', async (_n, file) => {
    const handle = await call<ModelHandle>('model.open', { path: file });
    const a = await call<ModelAnalysis>('model.analyze', { modelId: handle.id });
    expect(a).toEqual(analyzeModel(openModelFile(file).tflite));
    const fit = await call<FitReport>('deploy.fit', { modelId: handle.id });
    expect(a.memory.arenaBytes).toBe(fit.ram.arena.bytes);
    await call('model.close', { modelId: handle.id });
  });
});
