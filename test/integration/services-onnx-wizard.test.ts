/**
 * Issue 13, item 7: the wizard on an ONNX model through the contract. `.onnx` opens like a
 * `.tflite` (converted on open); model.conversion gives the converter's report for the plan's
 * "convert to TFLite" step; optimize.run scores the ONNX model in ONNX Runtime (in the worker) as
 * the reference row, then the converted float32 model and the technique against it.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversionReport, JobFinished, ModelHandle, OptimizeResult } from '../../main/contract/types';
import { createServices } from '../../main/services';
import { collect, value } from '../support/services-harness';
import { ONNX_FIXTURES_DIR } from '../support/onnx-fixtures';

const FASHION = '/usr/share/datasets/fashion-mnist';
const services = createServices({
  mode: 'browser',
  version: '0.0.0-test',
  allowedFolders: [ONNX_FIXTURES_DIR, FASHION],
});
const events = collect(services);
afterAll(() => services.dispose());
const call = async <T>(method: string, args: unknown): Promise<T> =>
  value<T>(await services.handle(method, args));

describe('the wizard on an ONNX model (issue 13)', () => {
  let model: ModelHandle;

  it('opens .onnx like .tflite and reports the conversion node by node', async () => {
    model = (await call<ModelHandle>('model.open', {
      path: path.join(ONNX_FIXTURES_DIR, 'fashion-cnn.onnx'),
    }))!;
    expect(model).toMatchObject({ name: 'fashion-cnn.onnx', format: 'onnx' });
    const report = await call<ConversionReport>('model.conversion', { modelId: model.id });
    // 5 Conv, 5 BatchNormalization, 5 Relu, 2 MaxPool, Add, GlobalAveragePool, Flatten, Gemm.
    expect(report.nodes).toHaveLength(21);
    expect(report.nodes.filter((n) => n.opType === 'Conv').every((n) => n.tflite.length > 0)).toBe(true);
    expect(report.insideTransposes).toBe(0);
    expect(report.opset).toBe(13);
  });

  it(
    'optimize.run: ONNX Runtime scores the ONNX model as the reference row',
    { timeout: 240_000 },
    async () => {
      const ds = await call<{ id: string; count: number }>('datasets.open', {
        modelId: model.id,
        path: FASHION,
        split: 't10k',
      });
      expect(ds.count).toBe(10000);
      const { jobId } = await call<{ jobId: string }>('jobs.start', {
        kind: 'optimize.run',
        params: {
          modelId: model.id,
          technique: 'dynamic',
          evaluationDatasetId: ds.id,
          evaluationSamples: 1000,
        },
      });
      const f: JobFinished = await events.waitFor(jobId, 200_000);
      if (f.status !== 'succeeded')
        throw new Error(`${f.status}: ${f.status === 'failed' ? f.error.message : ''}`);
      const r = f.result as OptimizeResult;
      const [onnx, f32, dyn] = r.comparison.rows;
      expect(onnx!.technique).toBe('ONNX (ORT)');
      expect(f32!.technique).toBe('float32');
      expect(dyn!.technique).toBe('dynamic');
      expect(r.comparison.samples).toBe(1000);
      // The converted float model agrees with ONNX Runtime on every image (float32 both ways).
      expect(f32!.agreement).toBe(1);
      expect(f32!.accuracyDeltaPts).toBe(0);
      expect(onnx!.accuracy).toBeGreaterThan(0.85);
      // Sizes: the ONNX file, then the TFLite model the techniques start from.
      expect(onnx!.bytes).toBe(model.sizeBytes);
      expect(f32!.bytes).not.toBe(model.sizeBytes);
      expect(dyn!.bytes).toBeLessThan(f32!.bytes / 2);
      console.log(
        `wizard on fashion-cnn.onnx (1000 images): ${onnx!.technique} ${onnx!.accuracy}, float32 ${f32!.accuracy}, dynamic ${dyn!.accuracy}`,
      );
    },
  );
});
