/**
 * The app's training job (worker side, issue 15): reopen the labelled dataset the services
 * validated, train the float model with the engine (engine/train/run.ts), report every batch and
 * every epoch, and score the float and the trained model on the evaluation data when given.
 *
 * Two ways to end early: jobs.cancel (ctx.signal) discards the run; jobs.stop (ctx.stopSignal)
 * stops after the current batch and returns the best model so far, as a result. Returns the
 * trained bytes; the parent registers them only after success, and nothing is written.
 */
import type { TrainParams, TrainScore } from '../../contract/types';
import { asSampleSet } from '../../engine/datasets/samples';
import { evaluateStages } from '../../engine/evaluate/stages';
import { CancelledError, DatasetError } from '../../engine/errors';
import { measureSize } from '../../engine/model/file-size';
import { openModel } from '../../engine/model/registry';
import type { EpochStats } from '../../engine/train/api';
import { parseRecipe } from '../../engine/train/recipes/registry';
import { trainModelInThreads, type ThreadChoice } from '../train-pool/train-pool';
import { writeTflite } from '../../engine/tflite/writer';
import type { JobContext } from '../protocol';
import { defaultWorkerCount, WorkerSamplePool } from '../pool/sample-pool';
import { openFromSpec, type DatasetSpec } from './dataset-spec';

export type TrainJobParams = Omit<TrainParams, 'modelId' | 'datasetId' | 'evaluationDatasetId'> & {
  floatBytes: Uint8Array;
  modelName: string;
  data: DatasetSpec & { name: string };
  evaluation?: DatasetSpec & { name: string };
  epochs: number;
  batchSize: number;
  learningRate: number;
  valSplit: number;
  seed: number;
};

export interface TrainJobOutput {
  bytes: Uint8Array;
  recipe: string;
  epochs: EpochStats[];
  bestEpoch: number;
  cancelled: boolean;
  frozen: string[];
  steps: string[];
  float: TrainScore;
  trained: TrainScore;
  evaluation: string | null;
  seconds: number;
  threads: ThreadChoice;
}

export async function trainJob(p: TrainJobParams, ctx: JobContext): Promise<TrainJobOutput> {
  const t0 = performance.now();
  const model = openModel(p.floatBytes, p.modelName).tflite;
  const ds = openFromSpec(p.data);
  const described = ds.describe();
  if (!described.labelled)
    throw new DatasetError(`${described.source}: has no labels, and training needs one per sample`);
  const classes = p.data.classes ?? 0;
  const stop = AbortSignal.any([ctx.signal, ctx.stopSignal]);
  const result = await trainModelInThreads(
    model,
    { samples: ds, classes, source: described.source },
    {
      recipe: parseRecipe(p.recipe),
      epochs: p.epochs,
      batchSize: p.batchSize,
      learningRate: p.learningRate,
      valSplit: p.valSplit,
      seed: p.seed,
      workers: p.workers,
      signal: stop,
      onBatch: (done, total) => ctx.progress('training', done, total),
      onEpoch: (e) => ctx.progress(`epoch ${e.epoch}`, e.epoch, p.epochs, e),
    },
  );
  // jobs.cancel discards the run; jobs.stop keeps the best model so far.
  if (ctx.signal.aborted) throw new CancelledError('cancelled');
  if (result.epochs.length === 0)
    throw new CancelledError('stopped before the first epoch ended: there is no model to keep');
  const floatFile = writeTflite(model);
  const floatSize = measureSize(p.floatBytes);
  const trainedSize = measureSize(result.bytes);
  const scores = { float: null as number | null, trained: null as number | null };
  if (p.evaluation) {
    const pool = new WorkerSamplePool(p.workers ?? defaultWorkerCount());
    const rows = await evaluateStages(
      [
        { stage: 'float', model, bytes: floatFile },
        { stage: 'trained', model: result.model, bytes: result.bytes },
      ],
      asSampleSet(openFromSpec(p.evaluation)),
      { signal: ctx.signal, pool, progress: (s, d, t) => ctx.progress(`evaluating ${s}`, d, t) },
    ).finally(() => pool.dispose());
    scores.float = rows[0]?.accuracy?.top1 ?? null;
    scores.trained = rows[1]?.accuracy?.top1 ?? null;
  }
  ctx.progress('done', 1, 1);
  return {
    bytes: result.bytes,
    recipe: p.recipe,
    epochs: result.epochs,
    bestEpoch: result.bestEpoch,
    cancelled: result.cancelled,
    frozen: result.frozen,
    steps: result.steps,
    float: { label: 'float32', ...floatSize, accuracy: scores.float },
    trained: { label: p.recipe, ...trainedSize, accuracy: scores.trained },
    evaluation: p.evaluation?.name ?? null,
    seconds: (performance.now() - t0) / 1000,
    threads: result.threads,
  };
}
