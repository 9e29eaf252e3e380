/**
 * Issue 16 (item 2): calibration, the quantization debugger and evaluation spread over worker
 * threads give exactly what one thread gives: the same quantized model bytes for every
 * calibration method, the same debugger report, the same evaluation figures and output bits, on
 * the demo model and on person_detect from ../shared. Stateful models (an LSTM with variable
 * tensors) stay on one thread; a cancel mid-run rejects as cancelled and leaves no thread
 * running; progress counts every sample.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrationSamples } from '../../main/engine/datasets/samples';
import { CancelledError } from '../../main/engine/errors';
import { evaluateModel } from '../../main/engine/evaluate/evaluate';
import { isStateful } from '../../main/engine/interpreter/sample-pool';
import { openModel } from '../../main/engine/model/registry';
import { CALIBRATION_METHODS, type CalibrationMethod } from '../../main/engine/optimize/calibrate/index';
import { debugQuantization, type DebugReport } from '../../main/engine/optimize/debugger';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import type { ModelInputs } from '../../main/engine/tensor/model-inputs';
import type { TflModel } from '../../main/engine/tflite/model';
import { writeTflite } from '../../main/engine/tflite/writer';
import { openDataset } from '../../main/files/dataset-open';
import { demoAssets } from '../../main/files/demo-assets';
import { WorkerSamplePool } from '../../main/jobs/pool/sample-pool';
import {
  floatVersion,
  loadShared,
  personFloat,
  personInt8,
  personVariants,
} from '../support/quantize-helpers';

const demo = demoAssets();
const demoFloat = openModel(new Uint8Array(fs.readFileSync(demo.model)), demo.model).tflite;
const dataset = openDataset(demo.data, { inputShape: [1, 28, 28, 1], classes: 10 });
const demoSamples = calibrationSamples(dataset, 48);
const personSamples: ModelInputs[] = (['person', 'no_person'] as const).flatMap((n) =>
  personVariants(personInt8(n)).map((v) => [personFloat(v)]),
);
let personFloatModel: TflModel;

const pool = new WorkerSamplePool(2);
beforeAll(() => {
  personFloatModel = floatVersion('person_detect.tflite');
});
afterAll(() => pool.dispose());

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** Every number of a report exactly (JSON prints the shortest string that reads back the same double). */
const exact = (r: DebugReport) =>
  JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
const sequence = (n: number) => Array.from({ length: n }, (_v, i) => i + 1);

async function quantizeBoth(model: TflModel, samples: ModelInputs[], method: CalibrationMethod) {
  const one = await quantizeFullInteger(model, samples, { method, io: 'int8' });
  const progress: number[] = [];
  const two = await quantizeFullInteger(model, samples, {
    method,
    io: 'int8',
    pool,
    onProgress: (done) => progress.push(done),
  });
  // The threads ran the samples (they stay up after a successful run).
  expect(pool.liveThreads).toBe(2);
  expect(progress).toEqual(sequence(samples.length));
  return { one: writeTflite(one.model), two: writeTflite(two.model) };
}

describe('calibration on 1 and 2 workers', { timeout: 300_000 }, () => {
  it('demo model: the same int8 model bytes for every calibration method', async () => {
    const models = new Map<CalibrationMethod, Uint8Array>();
    for (const method of CALIBRATION_METHODS) {
      const { one, two } = await quantizeBoth(demoFloat, demoSamples, method);
      expect(hex(two)).toBe(hex(one));
      models.set(method, one);
    }
    // The methods choose different ranges, so the comparison above covers four code paths.
    expect(new Set([...models.values()].map(hex)).size).toBe(CALIBRATION_METHODS.length);
  });

  it('person_detect (float twin): the same int8 model bytes with minmax, percentile and mse', async () => {
    for (const method of ['minmax', 'percentile', 'mse'] as const) {
      const { one, two } = await quantizeBoth(personFloatModel, personSamples, method);
      expect(hex(two)).toBe(hex(one));
    }
  });

  it('a stateful LSTM calibrates on one thread, in sample order, with the same result', async () => {
    const lstm = loadShared('trained_lstm.tflite');
    expect(isStateful(lstm)).toBe(true);
    const rows = Array.from({ length: 6 }, (_v, s) => [
      Float32Array.from({ length: 28 * 28 }, (_x, i) => ((i * 7 + s * 13) % 29) / 29),
    ]);
    const fresh = new WorkerSamplePool(2);
    try {
      const one = await quantizeFullInteger(lstm, rows, { io: 'int8' });
      const two = await quantizeFullInteger(lstm, rows, { io: 'int8', pool: fresh });
      expect(hex(writeTflite(two.model))).toBe(hex(writeTflite(one.model)));
      expect(fresh.liveThreads).toBe(0);
    } finally {
      await fresh.dispose();
    }
  });

  it('reports the error one thread hits first (the lowest bad sample)', async () => {
    const bad = personSamples.map((s, i) => (i === 3 || i === 9 ? [s[0]!.subarray(0, 50 + i)] : s));
    const one = quantizeFullInteger(personFloatModel, bad);
    const message = await one.then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/53/);
    await expect(quantizeFullInteger(personFloatModel, bad, { pool })).rejects.toThrow(message);
  });

  it('cancel mid-run rejects as cancelled, stops every thread, no progress after', async () => {
    const abort = new AbortController();
    const seen: number[] = [];
    const run = quantizeFullInteger(personFloatModel, [...personSamples, ...personSamples], {
      pool,
      signal: abort.signal,
      onProgress: (done) => {
        seen.push(done);
        if (done === 5) abort.abort();
      },
    });
    await expect(run).rejects.toThrow(CancelledError);
    expect(pool.liveThreads).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(sequence(5));
  });
});

describe('the debugger on 1 and 2 workers', { timeout: 300_000 }, () => {
  it('the same report, every number, on the demo model and on person_detect', async () => {
    const demoInt8 = (await quantizeFullInteger(demoFloat, demoSamples)).model;
    const personInt8Model = (await quantizeFullInteger(personFloatModel, personSamples)).model;
    for (const [float, quant, samples] of [
      [demoFloat, demoInt8, demoSamples],
      [personFloatModel, personInt8Model, personSamples],
    ] as const) {
      const one = await debugQuantization(float, quant, samples);
      const progress: number[] = [];
      const two = await debugQuantization(float, quant, samples, {
        pool,
        onProgress: (d) => progress.push(d),
      });
      expect(pool.liveThreads).toBe(2);
      expect(progress).toEqual(sequence(samples.length));
      expect(one.layers.length).toBeGreaterThan(5);
      expect(one.layers.every((l) => Number.isFinite(l.sqnrDb) && l.sqnrDb > 0)).toBe(true);
      expect(exact(two)).toBe(exact(one));
    }
  });

  it('cancel mid-run rejects as cancelled and stops every thread', async () => {
    const quant = (await quantizeFullInteger(personFloatModel, personSamples)).model;
    const abort = new AbortController();
    const seen: number[] = [];
    const run = debugQuantization(personFloatModel, quant, personSamples, {
      pool,
      signal: abort.signal,
      onProgress: (d) => {
        seen.push(d);
        if (d === 4) abort.abort();
      },
    });
    await expect(run).rejects.toThrow(CancelledError);
    expect(pool.liveThreads).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(sequence(4));
  });
});

describe('evaluation on 1 and 2 workers', { timeout: 300_000 }, () => {
  it('person_detect int8 from ../shared: the same figures and output bits', async () => {
    const bytes = writeTflite(loadShared('person_detect.tflite'));
    const model = openModel(bytes, 'person_detect.tflite').tflite;
    const set = {
      length: personSamples.length,
      get: (i: number) => ({ inputs: personSamples[i]!, label: i < 7 ? 1 : 0 }),
    };
    const options = { keepOutputs: true, latencyRuns: 1, warmupRuns: 0 };
    const one = await evaluateModel(model, bytes, set, options);
    const progress: number[] = [];
    const two = await evaluateModel(model, bytes, set, {
      ...options,
      pool,
      progress: (d) => progress.push(d),
    });
    expect(pool.liveThreads).toBe(2);
    expect(progress).toEqual(sequence(set.length));
    expect(two.accuracy).toEqual(one.accuracy);
    expect(one.accuracy!.top1).toBeGreaterThan(0.5);
    const bits = (o: Float32Array[][] | undefined) =>
      (o ?? []).map((s) => s.map((x) => hex(new Uint8Array(x.buffer))));
    expect(bits(two.outputs)).toEqual(bits(one.outputs));
  });

  it('a stateful LSTM is evaluated on one thread, samples in order', async () => {
    const bytes = writeTflite(loadShared('trained_lstm.tflite'));
    const model = openModel(bytes, 'trained_lstm.tflite').tflite;
    const set = {
      length: 5,
      get: (s: number) => ({
        inputs: [Float32Array.from({ length: 28 * 28 }, (_x, i) => ((i * 5 + s * 11) % 31) / 31)],
      }),
    };
    const fresh = new WorkerSamplePool(2);
    try {
      const opts = { keepOutputs: true, latencyRuns: 1, warmupRuns: 0 };
      const one = await evaluateModel(model, bytes, set, opts);
      const two = await evaluateModel(model, bytes, set, { ...opts, pool: fresh });
      expect(fresh.liveThreads).toBe(0);
      expect(two.outputs).toEqual(one.outputs);
    } finally {
      await fresh.dispose();
    }
  });
});
