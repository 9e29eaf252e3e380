/**
 * Issue 15: data-parallel training over worker threads gives the bits of one thread (every batch
 * is cut into the same shards, summed in shard order), on the demo model and the dataset it
 * ships with.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asSampleSet } from '../../engine/datasets/samples';
import { openModel } from '../../engine/model/registry';
import type { LabelledData, TrainOptions } from '../../engine/train/api';
import { openDataset } from '../../files/dataset-open';
import { demoAssets } from '../../files/demo-assets';
import { trainModelInThreads } from './train-pool';

const demo = demoAssets();
const model = () => openModel(new Uint8Array(fs.readFileSync(demo.model)), demo.model).tflite!;
const data: LabelledData = {
  samples: asSampleSet(openDataset(demo.data, { inputShape: [1, 28, 28, 1], classes: 10 }), 200),
  classes: 10,
  source: demo.data,
};
const options: TrainOptions = {
  recipe: [{ kind: 'finetune' }],
  epochs: 1,
  batchSize: 32,
  learningRate: 1e-3,
  valSplit: 0.2,
  seed: 3,
};

describe('training over worker threads (issue 15)', () => {
  it('1 and 2 workers give bit-identical models and figures', async () => {
    const one = await trainModelInThreads(model(), data, { ...options, workers: 1 });
    const two = await trainModelInThreads(model(), data, { ...options, workers: 2 });
    expect(two.epochs.map((e) => [e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy])).toEqual(
      one.epochs.map((e) => [e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy]),
    );
    expect(Buffer.from(two.bytes).equals(Buffer.from(one.bytes))).toBe(true);
    // And training changed the model (the comparison is not between two untouched copies).
    expect(Buffer.from(one.bytes).equals(Buffer.from(fs.readFileSync(demo.model)))).toBe(false);
  }, 60_000);
});
