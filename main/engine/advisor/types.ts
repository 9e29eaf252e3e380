/**
 * The advisor's typed contract: what the wizard (and `lowbit recommend`) asks, and the plan it
 * gets back. Pure data, no behaviour (the contract imports its types).
 */
import {
  TECHNIQUE_IDS as POST_TRAINING_IDS,
  type TechniqueId as PostTrainingId,
} from '../optimize/techniques/registry';
import type { DeployTarget, Risk, SpeedEffect, TechniqueNeeds } from '../optimize/techniques/types';

/**
 * Stable, machine-readable technique ids. Never rename one: the wizard and scripts key on them.
 * The post-training ones Lowbit runs come from the technique registry; the others are advice
 * only (training-time techniques, and int8 with a per-layer float fallback).
 */
export type TechniqueId = PostTrainingId | AdviceOnlyId;

export type AdviceOnlyId = 'prune' | 'cluster' | 'qat' | 'distill' | 'keep-float-fallback';

export const TECHNIQUE_IDS: readonly TechniqueId[] = [
  ...POST_TRAINING_IDS,
  'prune',
  'cluster',
  'qat',
  'distill',
  'keep-float-fallback',
];

/**
 * What data the user has. An unlabelled sample is enough to calibrate full integer
 * quantization; labelled data also calibrates (labels are ignored there) and measures accuracy.
 * `count` is the number of items when known.
 */
export type DataAvailability =
  { kind: 'none' } | { kind: 'unlabelled'; count?: number } | { kind: 'labelled'; count?: number };

export type DataKind = DataAvailability['kind'];

/** Where the model runs (the vocabulary the technique definitions use for their advice). */
export type Target = DeployTarget;
export const TARGETS: readonly Target[] = ['cpu', 'gpu', 'edgetpu', 'mcu', 'dsp'];

export type Priority = 'size' | 'latency' | 'accuracy';
export const PRIORITIES: readonly Priority[] = ['size', 'latency', 'accuracy'];

export const DATA_KINDS: readonly DataKind[] = ['none', 'unlabelled', 'labelled'];

export interface Limits {
  /** Largest acceptable model file, bytes. */
  maxModelBytes?: number;
  /** Largest acceptable working memory (tensor arena), bytes. */
  maxRamBytes?: number;
  /** Largest acceptable accuracy loss against the float model, in percentage points. */
  maxAccuracyLossPoints?: number;
}

/** The part of a board description the fit check needs (the board catalogue has more). */
export interface BoardLimits {
  id: string;
  name: string;
  flashBytes: number;
  ramBytes: number;
  /** Flash the runtime takes besides the model (TFLite Micro core and the model's kernels), when estimated. */
  runtimeFlashBytes?: number;
}

/** float32, float16, int8 = weights of that type throughout; mixed = some of each (e.g. a dynamic-range model). */
export type ModelDtype = 'float32' | 'float16' | 'int8' | 'mixed';

/** Facts about the model; derive them from an inspector report with `modelFactsFromReport`. */
export interface ModelFacts {
  sizeBytes: number;
  dtype: ModelDtype;
  /** True when the model is not plain float32 (float16, int8 or mixed). */
  alreadyQuantized: boolean;
  /** Operator name → count, e.g. {CONV_2D: 14}. */
  opCounts: Record<string, number>;
  /** Elements in constant tensors, counted once per buffer. */
  parameterCount?: number;
  /** Constant float32 / float16 bytes: the part float16 and int8 conversions shrink. */
  float32WeightBytes?: number;
  float16WeightBytes?: number;
  /** Dtype of the non-constant tensors (activations), e.g. 'float32' or 'int8'; 'mixed' when several. */
  activationDtype?: string;
  /** Dtypes of the graph inputs and outputs. */
  inputDtypes?: string[];
  outputDtypes?: string[];
  /** Ops without an int8 kernel in TFLite's builtin set (full integer conversion would fail on them). */
  int8UnsupportedOps: string[];
  /** Ops the Edge TPU compiler does not map (they and everything after run on the host CPU). */
  edgeTpuUnsupportedOps: string[];
  /** Ops without a TFLite Micro kernel (by the deploy engine's op table); such a model cannot run on an MCU as is. */
  tflmUnsupportedOps?: string[];
  /**
   * Lower bound on working memory: the largest sum of activation bytes one operator needs alive
   * at once (its non-constant inputs and outputs), at the model's current activation dtype.
   */
  peakActivationBytes?: number;
  /** The tensor arena measured by the interpreter's planner for the current model, when known. */
  arenaBytes?: number;
  /**
   * TFLM's bookkeeping counts (main subgraph), for the RAM figure `lowbit fit` uses: arena +
   * tensors × 32 B + operators × 48 B + per-channel parameters × 8 B + a margin.
   */
  tensorCount?: number;
  operatorCount?: number;
  /** Per-channel quantization parameters of conv-like weights now. */
  perChannelTotal?: number;
  /** The same after a full-integer conversion (one per output channel of each conv-like op). */
  int8PerChannelTotal?: number;
}

/** Accuracy loss measured by an earlier evaluation, in percentage points, per post-training technique. */
export type MeasuredLoss = Partial<Record<PostTrainingId | 'keep-float-fallback', number>>;

export interface AdvisorInput {
  data: DataAvailability;
  /** The user can fine-tune or retrain the model in their own training pipeline. */
  retrain: boolean;
  target: Target;
  priority: Priority;
  limits?: Limits;
  /** Only with target 'mcu'. */
  board?: BoardLimits;
  model?: ModelFacts;
  measuredLoss?: MeasuredLoss;
}

export type { Risk, SpeedEffect };

export interface Effect {
  /** In-memory model size relative to float32 weights (1 = unchanged). */
  sizeRatio: { min: number; max: number };
  /** True when every step only shrinks the compressed download (pruning, clustering): no in-memory gain. */
  compressedOnly: boolean;
  /** True when some step shrinks the compressed download beyond `sizeRatio` (pruning, clustering). */
  compressedGain: boolean;
  speedup: SpeedEffect;
  accuracyRisk: Risk;
  /** Estimated model bytes after the plan, when the model's facts are known. */
  expectedBytes?: { min: number; max: number };
  /** Estimated working memory after the plan, when an activation or arena figure is known. */
  expectedRamBytes?: { value: number; basis: 'arena' | 'lower-bound' };
}

export interface StepParams {
  /** Fraction of weights set to zero, for 'prune'. */
  sparsity?: number;
  /** Shared values per layer, for 'cluster'. */
  clusters?: number;
  /** Input/output tensor type, for full integer conversion. */
  io?: 'int8' | 'uint8' | 'float32' | 'int16';
}

/** How the app's optimize job runs a step (set only for the techniques in the registry). */
export interface OptimizeStep {
  technique: PostTrainingId;
  /** Short words for people: "full integer int8". */
  label: string;
  /** 'calibration-sample': the job needs a representative sample. */
  needs: TechniqueNeeds;
}

export interface Step {
  id: TechniqueId;
  title: string;
  params?: StepParams;
  optimize?: OptimizeStep;
  /** 'lowbit' = Lowbit runs it; 'training' = it needs fine-tuning in the user's own training pipeline. */
  runsIn: 'lowbit' | 'training';
  /** Sentences citing the rule that put this step here, written to be shown verbatim. */
  reasons: string[];
}

export interface FitCheck {
  what: 'flash' | 'ram' | 'max-bytes' | 'max-ram';
  neededBytes: number;
  availableBytes: number;
  fits: boolean;
  /** 'lower-bound' when RAM is estimated from activations rather than measured by the planner. */
  basis: 'estimate' | 'arena' | 'lower-bound';
  /** For 'flash' with a runtime estimate: the model's share and the runtime's (TFLM core + kernels). */
  modelBytes?: number;
  runtimeBytes?: number;
  /**
   * For RAM on a microcontroller: the parts of `lowbit fit`'s figure (tensor arena + TFLite Micro
   * bookkeeping + margin), which `neededBytes` is the sum of.
   */
  ramParts?: { arenaBytes: number; bookkeepingBytes: number; marginBytes: number };
  /**
   * Set when `fits` is true but the figure cannot prove it: a lower bound (the largest
   * activations, no planned arena) or an arena without TFLite Micro's bookkeeping. Say "may not fit".
   */
  mayNotFit?: true;
}

/**
 * Whether the first option is a recommendation: 'recommended' only when it runs on the target
 * and meets every limit and the board; 'misses-limits' when it runs but misses one of them (the
 * fit checks say by how much); 'cannot-run' when only a host-side preview is left; 'nothing'
 * when there is no option (the model is already int8).
 */
export type PlanStanding = 'recommended' | 'misses-limits' | 'cannot-run' | 'nothing';

export interface PlanOption {
  steps: Step[];
  effect: Effect;
  /** False for a host-side preview that cannot run on the chosen target. */
  deployable: boolean;
  fit: FitCheck[];
  /** One line summarising why this option ranks where it does. */
  summary: string;
}

/** A technique that cannot be used or is advised against, with the reason and what would change that. */
export interface Blocked {
  id: TechniqueId;
  /** The technique in words ("int8 with per-layer float fallback"), for people. */
  title: string;
  why: string;
  unlock: string;
}

export interface Plan {
  target: Target;
  priority: Priority;
  /** The first option, or null when there is nothing worth doing (e.g. the model is already int8). */
  recommended: PlanOption | null;
  /** Whether `recommended` really is one (see PlanStanding); the wizard says "Recommended" only then. */
  standing: PlanStanding;
  alternatives: PlanOption[];
  impossible: Blocked[];
  notRecommended: Blocked[];
  warnings: string[];
  /** Good news and plain facts (not problems), e.g. "already in the integer-only form the target needs". */
  notes: string[];
  /** When nothing is recommended (the model is already int8): how the model fits as it is. */
  currentFit?: FitCheck[];
  /**
   * When nothing is recommended: true when the model runs on the target as it is, so fit,
   * export and flashing apply to it directly (no technique has to run first).
   */
  runsAsIs?: boolean;
}
