/**
 * Contract shapes of training in the app (issue 15): the `train.run` job's parameters and result.
 * Type-only like types.ts; the per-epoch figures are the engine's own (engine/train/api.ts).
 *
 * The job trains an open float model on a labelled dataset opened for it (datasets.open), with
 * progress after every batch and one `epoch` figure on the progress event after every epoch (the
 * live chart). `jobs.stop` ends it after the current batch with the best model so far; the
 * produced model is registered like an optimized one (inspect, model.save, model.bytes) and
 * nothing is written unless the user saves it.
 */
import type { EpochStats } from '../engine/train/api';
import type { ModelHandle } from './model-handle';

export type { EpochStats };

export interface TrainParams {
  /** The float model to train (TFLite, or ONNX as converted). */
  modelId: string;
  /** Labelled samples opened for this model (datasets.open); split into train and validation. */
  datasetId: string;
  /** Recipe steps, left to right: finetune | qat | qat16x8 | prune:S | prune:2:4 | cluster:K | distill:W. */
  recipe: string;
  /** Default 3. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Adam's learning rate, default 1e-3. */
  learningRate?: number;
  /** Fraction held out for validation, default 0.1. */
  valSplit?: number;
  /** Default 0: the same seed gives the same bits, whatever the thread count. */
  seed?: number;
  /**
   * Threads for data-parallel batches (default: this thread or one per core, whichever the run
   * measures faster in its first batches).
   */
  workers?: number;
  /**
   * Data to score the float model and the trained one on after training (e.g. the test set),
   * for the side-by-side with a post-training run. Absent: no scoring.
   */
  evaluationDatasetId?: string;
}

/** One model's figures in the training result's comparison. */
export interface TrainScore {
  label: string;
  bytes: number;
  gzipBytes: number;
  /** Top-1 on the evaluation data, 0..1; null without labels or evaluation data. */
  accuracy: number | null;
}

export interface TrainJobResult {
  /** The best epoch's model (on validation accuracy), registered; nothing written. */
  model: ModelHandle;
  recipe: string;
  epochs: EpochStats[];
  bestEpoch: number;
  /** True when jobs.stop ended the run early: `model` is the best one so far. */
  cancelled: boolean;
  /** Ops the trainer held constant, as "OP (tensor): reason". */
  frozen: string[];
  /** What each recipe step did, one line each. */
  steps: string[];
  /** The float model and the trained one on the evaluation data, when it was given. */
  float: TrainScore;
  trained: TrainScore;
  /** The evaluation data's display name, or null. */
  evaluation: string | null;
  seconds: number;
  /** The threads that trained (see TrainThreads). */
  threads: TrainThreads;
}

/**
 * The threads a run's batches ended on: `auto` when Lowbit chose (no `workers` given), with the
 * measured ms per training batch on one thread and on `tried` threads (null where not measured:
 * a run too short to try threads, one core, or a fixed count).
 */
export interface TrainThreads {
  threads: number;
  auto: boolean;
  inlineMs: number | null;
  threadsMs: number | null;
  tried: number | null;
}

/** Training defaults, as the CLI's (Keras users' expectations: batch 32, Adam 1e-3, 10% validation). */
export const TRAIN_DEFAULTS = {
  epochs: 3,
  batchSize: 32,
  learningRate: 1e-3,
  valSplit: 0.1,
  seed: 0,
} as const;
