/**
 * The recipe hooks (issue 15): what one recipe step (finetune, qat, prune, cluster, distill)
 * implements to take part in a training run. One recipe = one file in recipes/ + an entry in
 * recipes/registry.ts. Steps combine left to right as TFMOT combines them
 * (`prune:0.5,cluster:16,qat`): every hook below is optional, and the run calls each step's hook
 * in recipe order (weight gradients in reverse order, as the chain rule has it).
 *
 * Where each hook runs (the training loop is data-parallel over worker threads):
 * - main thread only: transformModel (also in every worker, see there), setup, weights,
 *   onStep, onEpoch, export. Weight hooks see the float master weights and write the effective
 *   weights the forward uses; the workers receive the effective weights each batch and return
 *   gradients with respect to them, summed in a fixed shard order, and the main thread maps them
 *   back to the master weights through `weights.backward`.
 * - every worker (and the main thread for validation): transformModel, activations, loss.
 *   A recipe instance is created from its RecipeStep in each thread (`create` must be
 *   deterministic); activation state crosses threads as plain objects (`state` / `setState` /
 *   `stats` / `mergeStats`), so results do not depend on the worker count.
 */
import type { TflModel } from '../../tflite/model';
import type { RecipeStep, TrainOptions } from '../api';
import type { ActivationSite, FloatArray, TrainGraph, TrainParam } from '../graph/types';

/** What every hook may read. */
export interface RecipeContext {
  /** The model as given to trainModel (the teacher, for distillation). */
  readonly original: TflModel;
  readonly options: Readonly<Omit<TrainOptions, 'signal' | 'onBatch' | 'onEpoch'>>;
  /** The step this recipe was created from, and its position in the recipe. */
  readonly step: RecipeStep;
  readonly stepIndex: number;
}

/** Where the run is: optimizer steps (batches) done so far and how many the run has. */
export interface Progress {
  /** Optimizer steps done (1 after the first batch). */
  step: number;
  totalSteps: number;
  /** 1-based epoch of the step. */
  epoch: number;
  stepsPerEpoch: number;
}

/**
 * (a) The weights the forward uses, from the trainable float master weights. Runs on the main
 * thread before every batch (and before validation and export).
 */
export interface WeightHook {
  /** Whether this hook changes `param` (e.g. weights only, not biases). Others pass through untouched. */
  applies(param: TrainParam): boolean;
  /**
   * Write the effective weights computed from `input` (the master weights, or the previous
   * step's output when recipes chain) into `out` (same length, a distinct array).
   */
  forward(param: TrainParam, input: FloatArray, out: FloatArray): void;
  /**
   * Map dLoss/d(out) to dLoss/d(input), in place in `grad` (length of the param). Omitted:
   * straight-through (the gradient passes unchanged). Pruning zeroes masked entries; clustering
   * sums members' gradients into their centroid and hands each member its centroid's sum (the
   * recipe keeps centroids as its own trainable values and updates them; see `ownParams`).
   */
  backward?(param: TrainParam, input: FloatArray, out: FloatArray, grad: Float64Array): void;
}

/**
 * Values a recipe trains itself in place of a weight's entries (cluster centroids): the loop
 * runs Adam on them with the same settings. `grad` is filled by WeightHook.backward.
 */
export interface OwnParam {
  readonly name: string;
  readonly value: Float32Array;
  readonly grad: Float64Array;
}

/**
 * (b) Activation observation and fake quantization, per activation site, in every thread.
 * `state` is broadcast from the main thread before each batch; `stats` are what a thread saw in
 * a batch, collected per shard and folded on the main thread in shard order by `mergeStats`
 * (e.g. moving-average min/max), so the worker count does not change the result.
 */
export interface ActivationHook {
  forward(site: ActivationSite, values: FloatArray, count: number, training: boolean): void;
  backward(site: ActivationSite, values: FloatArray, grad: FloatArray, count: number): void;
  /** Serializable state the forward uses (ranges); main → workers before each batch. */
  state?(): unknown;
  setState?(state: unknown): void;
  /** What this thread observed since the last call (then reset); workers → main per shard. */
  stats?(): unknown;
  /** Main thread: fold one shard's stats (called in shard order after each batch). */
  mergeStats?(stats: unknown): void;
}

/**
 * (d) The loss on a shard. Runs in every thread. Default: softmax cross-entropy on the logits.
 * Writes dLoss/dLogits (already divided by the batch size `batchSize` the loop passes, so
 * shard gradients add up to the batch mean) and returns the summed (not mean) loss of the shard.
 */
export interface LossHook {
  loss(args: {
    logits: FloatArray;
    labels: Int32Array;
    count: number;
    classes: number;
    /** The shard's inputs (count × inputSize): distillation runs its teacher on them. */
    inputs: FloatArray;
    /** The whole batch's size: divide gradients by it. */
    batchSize: number;
    dLogits: FloatArray;
  }): number;
}

/** (e) What export returns. */
export interface ExportResult {
  model: TflModel;
  /** One line for TrainResult.steps, e.g. "prune: 50.0% of 20,280 weights zero". */
  summary: string;
}

/** One recipe step's hooks; all optional. */
export interface Recipe {
  readonly step: RecipeStep;
  /**
   * (d) The model the graph is built from, given the previous step's (the original for the first
   * step): distillation returns a student with narrower layers (freshly initialised from
   * options.seed). Runs in every thread and must be deterministic.
   */
  transformModel?(model: TflModel, ctx: RecipeContext): TflModel;
  /** After the graph is built, main thread: initial masks, k-means, ranges... */
  setup?(graph: TrainGraph, ctx: RecipeContext): void;
  /** (a) */
  weights?: WeightHook;
  /** Values the recipe trains itself (cluster centroids), updated by the same optimizer. */
  ownParams?(): OwnParam[];
  /** (b) */
  activations?: ActivationHook;
  /** (c) After every optimizer step (pruning schedules update masks every N steps). */
  onStep?(progress: Progress, graph: TrainGraph): void;
  /** (c) After every epoch (before validation). */
  onEpoch?(progress: Progress, graph: TrainGraph): void;
  /**
   * Whether the model at the end of the epoch that ended at `progress` is in this step's final
   * form (a pruning schedule has reached its final sparsity; clustering has started). Only
   * epochs every step calls complete compete for the best epoch; when none did (a run cancelled
   * early), the latest weights are exported and the export enforces the final form. Omitted:
   * always complete (finetune, qat, distill).
   */
  complete?(progress: Progress): boolean;
  /**
   * The recipe's trained state (masks, centroids, ranges) at the best epoch: `snapshot` after an
   * epoch that is the best so far on validation, `restore` before export when a later epoch was
   * worse. Plain data or copies (not live arrays).
   */
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /** (d) Replaces the loss (the last step with a loss hook wins). */
  loss?: LossHook;
  /**
   * (e) Turn the trained model into the final one. `model` is the graph's model with the
   * effective weights of the best epoch written in (float32), or the previous step's export
   * result; steps export left to right (prune, then cluster, then qat quantizes). `graph` holds
   * the best epoch's effective weights in its params.
   */
  export?(model: TflModel, graph: TrainGraph, ctx: RecipeContext): ExportResult;
  /** One line for TrainResult.steps when the step has no export (e.g. finetune). */
  summary?(graph: TrainGraph, ctx: RecipeContext): string;
}

/** Creates one step's recipe; called once per thread. */
export type RecipeFactory = (step: RecipeStep, ctx: RecipeContext) => Recipe;
