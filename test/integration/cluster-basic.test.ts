// Issue 8: weight clustering: unique values per layer/channel, sparsity preservation,
// determinism, int8 weights; outputs read back and run.
import { describe, expect, it } from 'vitest';
import { CENTROID_INITS, clusterModel } from '../../main/engine/optimize/cluster/index';
import { randomInput, runFloat, smallCnn } from '../support/prune-fixtures';
import { pruneModel, weightStats } from '../../main/engine/optimize/prune/index';
import { bufferAs } from '../../main/engine/tflite/edit';
import type { TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { armnnAvailable } from '../support/armnn';
import { armnnOnModel, loadShared, personInt8, runReal } from '../support/quantize-helpers';

const roundTrip = (m: TflModel) => readTflite(writeTflite(m));
const values = (m: TflModel, name: string): Float32Array => {
  const t = m.subgraphs[0].tensors.find((x) => x.name === name)!;
  return bufferAs(m.buffers[t.buffer].data, Float32Array);
};

describe('clustering a float CNN', () => {
  const base = smallCnn();
  for (const init of CENTROID_INITS) {
    it(`${init}: every layer has at most 16 distinct values, biases untouched, model runs`, () => {
      const r = clusterModel(base, { clusters: 16, init, seed: 4, minWeights: 0 });
      const m = roundTrip(r.model);
      const stats = weightStats(m);
      expect(stats).toHaveLength(6);
      for (const l of stats) expect(l.uniqueValues).toBeLessThanOrEqual(16);
      // Layers with more than 16 weights of varied values use all 16 clusters.
      expect(stats.find((l) => l.name === 'fc1/weights')!.uniqueValues).toBe(16);
      expect(values(m, 'fc1/bias')).toEqual(values(base, 'fc1/bias'));
      const out = runFloat(m, randomInput(7));
      const ref = runFloat(base, randomInput(7));
      // 16 clusters on bell-shaped weights: outputs stay close (measured max diff ≈ 0.01).
      for (let i = 0; i < 10; i++) expect(Math.abs(out[i] - ref[i])).toBeLessThan(0.03);
    });
  }

  it('is deterministic for a seed; a different seed gives different random centroids', () => {
    const run = (seed: number) =>
      values(clusterModel(base, { clusters: 8, init: 'random', seed, minWeights: 0 }).model, 'fc1/weights');
    const a = run(1);
    expect(run(1)).toEqual(a);
    expect(run(2)).not.toEqual(a);
  });

  it('per channel: at most N values in each output channel', () => {
    const r = clusterModel(base, { clusters: 8, perChannel: true, minWeights: 0 });
    for (const l of weightStats(r.model)) {
      expect(l.maxUniquePerChannel).toBeLessThanOrEqual(8);
      if (l.name === 'fc1/weights') expect(l.uniqueValues).toBeGreaterThan(8);
    }
  });

  it('sparsity-preserving after pruning: zeros stay exactly zero, at most N values in all', () => {
    const pruned = pruneModel(base, { sparsity: 0.5, minWeights: 0 }).model;
    const r = clusterModel(pruned, { clusters: 16, preserveSparsity: true, minWeights: 0 });
    for (const l of weightStats(r.model)) {
      expect(l.uniqueValues).toBeLessThanOrEqual(16);
      const before = values(pruned, l.name);
      const after = values(r.model, l.name);
      for (let i = 0; i < after.length; i++) expect(after[i] === 0).toBe(before[i] === 0);
    }
  });

  it.skipIf(!armnnAvailable())('a clustered model runs in Arm NN with the same outputs', () => {
    const m = roundTrip(clusterModel(base, { clusters: 16, minWeights: 0 }).model);
    const x = randomInput(8);
    const theirs = armnnOnModel(m, [x]).outputs[0].data as Float32Array;
    const ours = runFloat(m, x);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThan(1e-5);
  });

  it('refuses a bad cluster count', () => {
    expect(() => clusterModel(base, { clusters: 1 })).toThrow(/2\.\.256/);
    expect(() => clusterModel(base, { clusters: 300 })).toThrow(/2\.\.256/);
  });
});

describe('clustering int8 weights (person_detect)', () => {
  const pd = loadShared('person_detect.tflite');
  it('per channel: codes snap to at most N per channel; per layer is refused for per-channel scales', () => {
    const r = clusterModel(pd, { clusters: 16, perChannel: true });
    expect(r.layers.length).toBeGreaterThan(5);
    const stats = weightStats(roundTrip(r.model));
    for (const l of r.layers) {
      expect(stats.find((s) => s.name === l.name)!.maxUniquePerChannel).toBeLessThanOrEqual(16);
    }
    expect(runReal(roundTrip(r.model), [personInt8('person')])[0]).toHaveLength(2);
    const refused = clusterModel(pd, { clusters: 16 });
    expect(refused.layers).toHaveLength(0);
    expect(refused.skipped.some((s) => /per channel/.test(s.reason))).toBe(true);
  });
});
