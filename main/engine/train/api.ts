/**
 * The training contract (issue 15): what `lowbit train`, the app's training job and the wizard
 * call, and what the training engine (engine/train/graph, engine/train/recipes) implements.
 * Types only; this file is the documentation of the seam.
 *
 * A run: read a float TFLite model (or one converted from ONNX), build a trainable view of its
 * subgraph 0 (ops it cannot train are frozen: treated as constants and listed), apply the recipe
 * steps left to right as TFMOT combines them, train with Adam on labelled samples with a seeded
 * validation split, keep the best epoch on validation, and export it (quantized when the recipe
 * ends in qat / qat16x8). Nothing is written by the engine: the caller writes `result.bytes`.
 */
import type { TflModel } from '../tflite/model';
import type { ModelInputs } from '../tensor/model-inputs';

/** One step of a recipe, parsed from `finetune`, `qat`, `qat16x8`, `prune:0.5`, `prune:2:4`, `cluster:16`, `distill:0.5`. */
export type RecipeStep =
  | { kind: 'finetune' }
  | { kind: 'qat'; activations: 'int8' | 'int16' }
  | { kind: 'prune'; sparsity: number }
  | { kind: 'prune-n-m'; n: number; m: number }
  | { kind: 'cluster'; clusters: number }
  | { kind: 'distill'; width: number };

export interface TrainOptions {
  recipe: RecipeStep[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Fraction of the labelled samples held out for validation (seeded shuffle), 0 < f < 1. */
  valSplit: number;
  seed: number;
  /** Worker threads for data-parallel batches (default: cores). Same seed and count: same bits. */
  workers?: number;
  signal?: AbortSignal;
  /** Called after every batch (done/total over the whole run). */
  onBatch?: (done: number, total: number) => void;
  /** Called after every epoch with that epoch's figures. */
  onEpoch?: (stats: EpochStats) => void;
}

export interface EpochStats {
  epoch: number; // 1-based
  trainLoss: number;
  trainAccuracy: number; // 0..1
  valLoss: number;
  valAccuracy: number; // 0..1
  ms: number;
  /** Estimated milliseconds left for the run. */
  etaMs: number;
}

export interface TrainResult {
  /** The exported best-on-validation model (int8 / 16x8 when the recipe has qat). */
  model: TflModel;
  bytes: Uint8Array;
  epochs: EpochStats[];
  /** 1-based; 0 when cancelled before the first epoch ended (the weights then are exported). */
  bestEpoch: number;
  /** True when the signal stopped the run after a batch; the result is the best model so far. */
  cancelled: boolean;
  /** Ops treated as constants, as "OP_NAME (output tensor name): reason". */
  frozen: string[];
  /** What each recipe step did, one line each (e.g. "prune: 50.0% of 20,280 weights zero"). */
  steps: string[];
}

/**
 * Samples by index: structurally datasets/samples.ts's SampleSet (any Dataset fits), spelled
 * here because train/ sits on a lower engine floor than datasets/ and may not import it.
 */
export interface TrainSampleSet {
  readonly length: number;
  get(i: number): { inputs: ModelInputs; label?: number; source?: string };
}

/** Labelled samples (every Sample has a label) and the number of classes. */
export interface LabelledData {
  samples: TrainSampleSet;
  classes: number;
  /** File or folder the samples came from, for messages. */
  source: string;
}

/** The engine's entry point (engine/train/run.ts). */
export type TrainModelFn = (
  model: TflModel,
  data: LabelledData,
  options: TrainOptions,
) => Promise<TrainResult>;
