/**
 * The recipe hooks as the training loop calls them (issue 15), with a test recipe registered in
 * place of `prune` for this file only: a fixed mask on every weight (weights hook with a
 * masking backward), an activation hook whose per-shard stats are merged in shard order and
 * broadcast back as state, an own trainable value, step/epoch hooks, snapshot/restore of the best
 * epoch, and export. The exported model must hold exact zeros where the mask is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LabelledData, TrainOptions } from '../api';
import { trainModel } from '../run';
import { readTflite } from '../../tflite/reader';
import { registerRecipe } from './registry';
import type { Recipe } from './types';

const ROOT = path.resolve(__dirname, '../../../..');
const DIR = path.join(ROOT, 'assets/demo/fashion-mnist');

function fashion(count: number): LabelledData {
  const img = gunzipSync(readFileSync(path.join(DIR, 't10k-images-idx3-ubyte.gz')));
  const lab = gunzipSync(readFileSync(path.join(DIR, 't10k-labels-idx1-ubyte.gz')));
  return {
    classes: 10,
    source: 'fashion',
    samples: {
      length: count,
      get: (i) => ({
        inputs: [Float32Array.from(img.subarray(16 + i * 784, 16 + (i + 1) * 784), (v) => v / 255)],
        label: lab[8 + i]!,
      }),
    },
  };
}

const log: string[] = [];
let merged = 0;
const seenState: number[] = [];

registerRecipe('prune', (step): Recipe => {
  let maxSeen = 0; // per thread: the largest activation seen since stats() was last called
  let range = 0; // broadcast state
  const own = { name: 'scale', value: new Float32Array([1]), grad: new Float64Array(1) };
  return {
    step,
    weights: {
      applies: (p) => p.role === 'weight',
      forward: (_p, input, out) => {
        for (let i = 0; i < input.length; i++) out[i] = i % 2 ? 0 : input[i]!;
      },
      backward: (_p, _input, _out, grad) => {
        for (let i = 1; i < grad.length; i += 2) grad[i] = 0;
        own.grad[0] = 0; // the own value gets no gradient: Adam leaves it where it is
      },
    },
    ownParams: () => [own],
    activations: {
      forward: (site, values, count, training) => {
        if (!training || site.opName !== 'CONV_2D') return;
        for (let i = 0; i < count; i++) maxSeen = Math.max(maxSeen, values[i]!);
      },
      backward: () => {},
      state: () => range,
      setState: (s) => {
        seenState.push(s as number);
      },
      stats: () => {
        const m = maxSeen;
        maxSeen = 0;
        return m;
      },
      mergeStats: (s) => {
        merged++;
        range = Math.max(range, s as number);
      },
    },
    onStep: (p) => {
      if (p.step === 1) log.push(`step 1 of ${p.totalSteps}, ${p.stepsPerEpoch} per epoch`);
    },
    onEpoch: (p) => log.push(`epoch ${p.epoch}`),
    snapshot: () => range,
    restore: (s) => log.push(`restore ${String(s)}`),
    export: (model, graph) => {
      const zeros = graph.params
        .filter((p) => p.role === 'weight')
        .reduce((n, p) => n + p.value.filter((v) => v === 0).length, 0);
      return { model, summary: `test: ${zeros} zeros` };
    },
  };
});

describe('recipe hooks in the training loop (issue 15)', () => {
  it('masks, activation stats, step/epoch hooks, best-epoch snapshot and export', async () => {
    const options: TrainOptions = {
      recipe: [{ kind: 'prune', sparsity: 0.5 }],
      epochs: 2,
      batchSize: 32,
      learningRate: 1e-3,
      valSplit: 0.2,
      seed: 5,
    };
    const r = await trainModel(
      readTflite(readFileSync(path.join(ROOT, 'assets/demo/fashion_cnn.tflite'))),
      fashion(160),
      options,
    );
    // 128 training samples: 4 batches an epoch, 8 shards each.
    expect(log.slice(0, 3)).toEqual(['step 1 of 8, 4 per epoch', 'epoch 1', 'epoch 2']);
    expect(merged).toBe(8 * 8);
    expect(seenState[0]).toBe(0);
    expect(Math.max(...seenState)).toBeGreaterThan(0);
    expect(r.steps).toEqual([`test: ${Math.floor((12 * 9) / 2) + (10 * 2028) / 2} zeros`]);
    // Exact zeros in the exported model where the mask is.
    const sg = r.model.subgraphs[0]!;
    const fc = sg.tensors.find((t) => t.shape?.join() === '10,2028')!;
    const w = new Float32Array(r.model.buffers[fc.buffer]!.data.slice().buffer);
    expect(w.filter((_v, i) => i % 2 === 1).every((v) => v === 0)).toBe(true);
    expect(w.filter((_v, i) => i % 2 === 0).some((v) => v !== 0)).toBe(true);
    // The best epoch's snapshot (the merged range then) is restored before export.
    expect(log).toHaveLength(4);
    expect(Number(log[3]!.replace('restore ', ''))).toBeGreaterThan(0);
  });
});
