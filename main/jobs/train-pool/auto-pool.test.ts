/**
 * The automatic training pool (auto-pool.ts): it times batches on this thread, tries worker
 * threads when the run is long enough, keeps the faster, and whatever it picks, and whenever it
 * switches, the run gives the bits of one thread. The keep/return choice is forced here through
 * `keepBelow` (Infinity keeps the threads, 0 returns): timings on a shared machine would make the
 * tests flaky, and the choice cannot change the result, which is what these check.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asSampleSet } from '../../engine/datasets/samples';
import { openModel } from '../../engine/model/registry';
import type { LabelledData, TrainOptions, TrainResult } from '../../engine/train/api';
import type { ShardWorkerInit, TrainPool } from '../../engine/train/pool';
import { InlinePool, trainWithPool } from '../../engine/train/run';
import { openDataset } from '../../files/dataset-open';
import { demoAssets } from '../../files/demo-assets';
import { AutoTrainPool, type AutoPoolOptions } from './auto-pool';
import { WorkerTrainPool } from './train-pool';

const demo = demoAssets();
const model = () => openModel(new Uint8Array(fs.readFileSync(demo.model)), demo.model).tflite!;
const data: LabelledData = {
  samples: asSampleSet(openDataset(demo.data, { inputShape: [1, 28, 28, 1], classes: 10 }), 200),
  classes: 10,
  source: demo.data,
};
// QAT: its activation ranges are main-thread state sent with every batch, and each thread's
// range statistics come back with the shards: the state a switch of pools must carry over.
// 180 training samples in batches of 12: 15 batches per epoch, 30 in all.
const options: TrainOptions = {
  recipe: [{ kind: 'qat', activations: 'int8' }],
  epochs: 2,
  batchSize: 12,
  learningRate: 1e-3,
  valSplit: 0.1,
  seed: 5,
};

let inlineRun: Promise<TrainResult> | undefined;
const oneThread = () => (inlineRun ??= trainWithPool(model(), data, options, new InlinePool()));

/** An automatic pool that times 2 batches after 1 of warm-up and tries threads at once. */
function auto(o: Partial<AutoPoolOptions>, made: TrainPool[] = []): AutoTrainPool {
  return new AutoTrainPool({
    threads: 2,
    totalBatches: 30,
    warmup: 1,
    measure: 2,
    minSeconds: 0,
    waitForThreads: true,
    makePool: (k) => {
      const p = new WorkerTrainPool(k);
      made.push(p);
      return p;
    },
    ...o,
  });
}

function sameRun(a: TrainResult, b: TrainResult): void {
  expect(a.epochs.map((e) => [e.trainLoss, e.valLoss, e.valAccuracy])).toEqual(
    b.epochs.map((e) => [e.trainLoss, e.valLoss, e.valAccuracy]),
  );
  expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
}

describe('automatic training pool', () => {
  it('moves to two threads after batch 3 when they are kept: the bits of one thread', async () => {
    const pool = auto({ keepBelow: Infinity });
    const got = await trainWithPool(model(), data, options, pool);
    expect(pool.decision).toMatchObject({ threads: 2, tried: 2 });
    expect(pool.decision.inlineMs).toBeGreaterThan(0);
    expect(pool.decision.threadsMs).toBeGreaterThan(0);
    sameRun(got, await oneThread());
    // QAT really trained: the export differs from the input model.
    expect(Buffer.from(got.bytes).equals(Buffer.from(fs.readFileSync(demo.model)))).toBe(false);
  }, 60_000);

  it('tries two threads and comes back to this one when they are not faster: the same bits', async () => {
    const made: TrainPool[] = [];
    const pool = auto({ keepBelow: 0 }, made);
    const got = await trainWithPool(model(), data, options, pool);
    expect(made).toHaveLength(1);
    expect(pool.decision).toMatchObject({ threads: 1, tried: 2 });
    expect(pool.decision.threadsMs).toBeGreaterThan(0);
    sameRun(got, await oneThread());
  }, 60_000);

  it('does not start threads for a run too short to gain from them, nor with one core', async () => {
    const made: TrainPool[] = [];
    const short = auto({ minSeconds: 3600 }, made);
    sameRun(await trainWithPool(model(), data, options, short), await oneThread());
    expect(short.decision).toMatchObject({ threads: 1, threadsMs: null });
    expect(short.decision.inlineMs).toBeGreaterThan(0);
    const single = auto({ threads: 1 }, made);
    sameRun(await trainWithPool(model(), data, options, single), await oneThread());
    expect(single.decision).toEqual({ threads: 1, inlineMs: null, threadsMs: null, tried: null });
    expect(made).toHaveLength(0);
  }, 60_000);

  it('finishes on this thread when the threads fail to start', async () => {
    const failing: TrainPool = {
      workers: 2,
      open: (_init: ShardWorkerInit) => Promise.reject(new Error('no threads here')),
      run: () => Promise.reject(new Error('must not run')),
      close: () => Promise.resolve(),
    };
    const pool = auto({ makePool: () => failing });
    sameRun(await trainWithPool(model(), data, options, pool), await oneThread());
    expect(pool.decision).toMatchObject({ threads: 1, threadsMs: null });
  }, 60_000);
});
