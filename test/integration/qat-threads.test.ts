// Issue 15: qat (activation ranges folded per batch from every shard's stats, order-free, one
// moving-average update per step) and distill (teacher run in each thread) give the same bits on
// 1 and 2 worker threads. About 8 s each, mostly starting the worker threads (measured with the
// CPUs shared); 96 samples, 3 batches.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asSampleSet } from '../../main/engine/datasets/samples';
import { readTflite } from '../../main/engine/tflite/reader';
import type { LabelledData, TrainOptions } from '../../main/engine/train/api';
import { parseRecipe } from '../../main/engine/train/recipes/registry';
import { openDataset } from '../../main/files/dataset-open';
import { demoAssets } from '../../main/files/demo-assets';
import { trainModelInThreads } from '../../main/jobs/train-pool/train-pool';

const demo = demoAssets();
const data: LabelledData = {
  samples: asSampleSet(openDataset(demo.data, { inputShape: [1, 28, 28, 1], classes: 10 }), 96),
  classes: 10,
  source: demo.data,
};

describe('qat and distill over worker threads (issue 15)', () => {
  for (const recipe of ['qat', 'distill:0.5']) {
    it(`${recipe}: 1 and 2 workers give bit-identical models`, async () => {
      const options: TrainOptions = {
        recipe: parseRecipe(recipe),
        epochs: 1,
        batchSize: 32,
        learningRate: 1e-3,
        valSplit: 0.2,
        seed: 4,
      };
      const model = () => readTflite(fs.readFileSync(demo.model));
      const one = await trainModelInThreads(model(), data, { ...options, workers: 1 });
      const two = await trainModelInThreads(model(), data, { ...options, workers: 2 });
      expect(two.epochs.map((e) => [e.trainLoss, e.valLoss, e.valAccuracy])).toEqual(
        one.epochs.map((e) => [e.trainLoss, e.valLoss, e.valAccuracy]),
      );
      expect(Buffer.from(two.bytes).equals(Buffer.from(one.bytes))).toBe(true);
      expect(two.steps).toEqual(one.steps);
    }, 60_000);
  }
});
