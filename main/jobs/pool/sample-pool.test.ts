/**
 * Issue 16 (item 2): evaluation spread over worker threads gives exactly the results of one
 * thread (same accuracy, agreement and SQNR, the same bits in every sample's outputs, the same
 * first error), and a cancel with 2 workers stops every thread promptly.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { asSampleSet, type SampleSet } from '../../engine/datasets/samples';
import { CancelledError, ShapeMismatchError } from '../../engine/errors';
import { evaluateModel, type ModelEvaluation } from '../../engine/evaluate/evaluate';
import { openModel } from '../../engine/model/registry';
import { openDataset } from '../../files/dataset-open';
import { demoAssets } from '../../files/demo-assets';
import { WorkerSamplePool } from './sample-pool';

const demo = demoAssets();
const load = (file: string) => {
  const bytes = new Uint8Array(fs.readFileSync(file));
  return { bytes, model: openModel(bytes, file).tflite };
};
const cnn = load(demo.model);
const dwcnn = load(demo.depthwiseModel);
const dataset = openDataset(demo.data, { inputShape: [1, 28, 28, 1], classes: 10 });
const test = asSampleSet(dataset, 240);
const pool = new WorkerSamplePool(2);
afterAll(() => pool.dispose());

const bits = (outputs: Float32Array[][] | undefined) =>
  (outputs ?? []).map((sample) => sample.map((o) => Buffer.from(o.buffer).toString('base64')));
const figures = (e: ModelEvaluation) => ({ accuracy: e.accuracy, fidelity: e.fidelity, samples: e.samples });

describe('WorkerSamplePool', { timeout: 120_000 }, () => {
  it('evaluates the demo models on the demo dataset with the results of one thread', async () => {
    const options = { keepOutputs: true, latencyRuns: 1, warmupRuns: 0 };
    const single = await evaluateModel(cnn.model, cnn.bytes, test, options);
    const progress: number[] = [];
    const parallel = await evaluateModel(cnn.model, cnn.bytes, test, {
      ...options,
      pool,
      progress: (done) => progress.push(done),
    });
    expect(figures(parallel)).toEqual(figures(single));
    expect(single.accuracy!.top1).toBeGreaterThan(0.8);
    expect(bits(parallel.outputs)).toEqual(bits(single.outputs));
    expect(progress).toEqual(Array.from({ length: test.length }, (_v, i) => i + 1));

    // A second model against the first one's outputs: agreement and SQNR match too.
    const reference = single.outputs!;
    const dwSingle = await evaluateModel(dwcnn.model, dwcnn.bytes, test, { ...options, reference });
    const dwParallel = await evaluateModel(dwcnn.model, dwcnn.bytes, test, { ...options, reference, pool });
    expect(dwSingle.fidelity).not.toBeNull();
    expect(figures(dwParallel)).toEqual(figures(dwSingle));
    expect(bits(dwParallel.outputs)).toEqual(bits(dwSingle.outputs));
  });

  it('reports the error one thread would hit first (the lowest bad sample)', async () => {
    const bad: SampleSet = {
      length: 40,
      get: (i) => {
        const s = test.get(i);
        return i === 9 || i === 30 ? { ...s, inputs: [s.inputs[0]!.subarray(0, 100 + i)] } : s;
      },
    };
    const one = evaluateModel(cnn.model, cnn.bytes, bad, { latencyRuns: 1 });
    const many = evaluateModel(cnn.model, cnn.bytes, bad, { latencyRuns: 1, pool });
    await expect(one).rejects.toThrow(ShapeMismatchError);
    const message = await one.catch((e: Error) => e.message);
    expect(message).toMatch(/sample has 109$/);
    await expect(many).rejects.toThrow(message);
    await expect(many).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  it('cancel mid-run with 2 workers: rejects as cancelled, stops every thread, no progress after', async () => {
    const abort = new AbortController();
    const seen: number[] = [];
    const run = evaluateModel(dwcnn.model, dwcnn.bytes, asSampleSet(dataset), {
      pool,
      signal: abort.signal,
      progress: (done) => {
        seen.push(done);
        if (done === 50) abort.abort();
      },
    });
    await expect(run).rejects.toThrow(CancelledError);
    expect(pool.liveThreads).toBe(0);
    expect(seen.at(-1)).toBe(50);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.at(-1)).toBe(50);
    expect(seen.length).toBeLessThan(dataset.length);
  });
});
