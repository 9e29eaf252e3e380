import { describe, expect, it } from 'vitest';
import { evaluateModel, type SampleSet } from './evaluate';
import { readTflite } from '../tflite/reader';
import { readBytes, sharedPath } from '../../../test/support/shared';

/** hello_world: y ≈ sin(x). The float and int8 models should agree closely; labels don't apply. */
describe('evaluateModel (issue 5)', () => {
  // The int8 model's input covers [0, (127+128)·0.02448] = [0, 6.24]: stay inside it, so the
  // comparison measures quantization error, not input saturation (x = 2π would saturate).
  const xs = Array.from({ length: 50 }, (_, i) => (i / 49) * 6.2);
  const set: SampleSet = { length: xs.length, get: (i) => ({ inputs: [Float32Array.of(xs[i]!)] }) };

  it('runs float and int8 models on the same float samples and compares them', async () => {
    const fBytes = readBytes(sharedPath('models/tflite-micro/hello_world_float.tflite'));
    const qBytes = readBytes(sharedPath('models/tflite-micro/hello_world_int8.tflite'));
    const f = await evaluateModel(readTflite(fBytes), fBytes, set, { keepOutputs: true, latencyRuns: 5 });
    const q = await evaluateModel(readTflite(qBytes), qBytes, set, { reference: f.outputs, latencyRuns: 5 });
    // The float model approximates sin(x) (the TFLM example's accuracy is about ±0.1).
    const maxErr = Math.max(...f.outputs!.map((o, i) => Math.abs(o[0]![0]! - Math.sin(xs[i]!))));
    expect(maxErr).toBeLessThan(0.2);
    expect(f.size.bytes).toBe(fBytes.length);
    expect(f.size.gzipBytes).toBeLessThan(fBytes.length);
    expect(f.arenaBytes).toBeGreaterThan(0);
    expect(f.latency.runs).toBe(5);
    expect(f.accuracy).toBeNull();
    // int8 vs float: a single-output regressor, so SQNR is the meaningful figure.
    expect(q.fidelity!.samples).toBe(50);
    expect(q.fidelity!.sqnrDb).toBeGreaterThan(20);
    expect(q.fidelity!.maxAbsError).toBeLessThan(0.1);
  });

  it('refuses an empty dataset and labels outside the classes', async () => {
    const bytes = readBytes(sharedPath('models/tflite-micro/hello_world_float.tflite'));
    const m = readTflite(bytes);
    await expect(evaluateModel(m, bytes, { length: 0, get: () => ({ inputs: [] }) })).rejects.toThrow(
      /empty/,
    );
    const bad: SampleSet = { length: 1, get: () => ({ inputs: [Float32Array.of(1)], label: 3 }) };
    await expect(evaluateModel(m, bytes, bad)).rejects.toThrow(/label 3 is outside the model's 1 classes/);
  });
});
