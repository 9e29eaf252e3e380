/**
 * Data-parallel training without the engine knowing threads (as interpreter/sample-pool.ts does
 * for evaluation): the engine defines the per-thread work (graph/shard-worker.ts: ShardWorker)
 * and this interface; the Node layer implements it over worker_threads (main/jobs/train-pool/),
 * and the loop runs the same ShardWorker inline when no pool is given or workers = 1.
 *
 * Identical results for any worker count: every batch is cut into the same SHARDS shards
 * whatever the number of threads, each shard's gradient is computed alone into zeroed buffers
 * (the same code on any thread), and the main thread adds the shard gradients in shard order.
 */
import type { RecipeStep } from './api';

/** Shards per batch (fixed, so that 1 and N threads add the same partial sums in the same order). */
export const SHARDS = 8;

/** What a thread needs once: the model, the recipe and the seed, all structured-clonable. */
export interface ShardWorkerInit {
  /** The original model's bytes (a TFLite flatbuffer, as written by the writer). */
  modelBytes: Uint8Array;
  recipe: RecipeStep[];
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  valSplit: number;
}

/** One shard of one batch. */
export interface ShardRequest {
  /** count × inputSize values. */
  inputs: Float32Array;
  labels: Int32Array;
  count: number;
  /** The batch's size (gradients are divided by it so shards add up to the batch mean). */
  batchSize: number;
  /** Forward only (validation): no gradients, no activation statistics. */
  evalOnly: boolean;
}

export interface ShardResult {
  /** Summed loss over the shard's samples. */
  lossSum: number;
  /** Samples whose first maximum logit is the label. */
  correct: number;
  /** dLoss/dParam per graph parameter, in graph order (empty when evalOnly). */
  grads: Float64Array[];
  /** Each recipe's activation stats (ActivationHook.stats), by recipe index; undefined where none. */
  stats: unknown[];
}

/** Per batch, what the main thread broadcasts: effective weights and recipes' activation state. */
export interface ShardState {
  /** The effective value of each graph parameter, in graph order. */
  params: Float32Array[];
  /** ActivationHook.state() by recipe index (undefined where none). */
  recipeState: unknown[];
}

export interface TrainPool {
  readonly workers: number;
  /** Starts the threads and builds each one's ShardWorker. */
  open(init: ShardWorkerInit): Promise<void>;
  /**
   * Runs the shards of one batch with `state` and resolves with their results in shard order.
   * Rejects with the error of the lowest failing shard.
   */
  run(state: ShardState, shards: ShardRequest[]): Promise<ShardResult[]>;
  close(): Promise<void>;
}
