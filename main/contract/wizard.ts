/**
 * Contract shapes of the guided wizard: datasets, the advisor's plan, optimization jobs and their
 * results, board fit. Type-only like types.ts (the advisor's Plan is pure data, imported as a type).
 */
import type { DataKind, Limits, Plan, Priority, Target } from '../engine/advisor/types';
import type { IdxSplit } from '../engine/datasets/idx';
import type { PreprocessSpec } from '../engine/datasets/preprocess';
import type { DeployMethod, FlashFamilyId } from '../engine/deploy/device-types';
import type { FitReport } from '../engine/deploy/fit';
import type { TechniqueTrial, TrialSettings } from '../engine/evaluate/technique-trial';
import type { ModelHandle } from './model-handle';
import type { EdgeTpuCheckReport } from '../engine/targets/edgetpu/check';
import type { EstimateCheck } from '../engine/advisor/measured';
import type { TrainingAdvice } from '../engine/advisor/training';

export type { EstimateCheck };

/**
 * The advisor's plan, and with labelled data and retraining allowed the training recipe it
 * recommends for the priority (null otherwise): the wizard's path to the Training view.
 */
export type WizardPlan = Plan & { training: TrainingAdvice | null };
export type { TrainingAdvice, TrainingRecipeAdvice } from '../engine/advisor/training';
export type {
  Blocked,
  Effect,
  FitCheck,
  OptimizeStep,
  PlanOption,
  Step as PlanStep,
} from '../engine/advisor/types';

export interface DatasetHandle {
  id: string;
  /** The model whose input the samples were shaped for. */
  modelId: string;
  name: string;
  path: string;
  /** 'idx', 'image-folder', 'npy', 'csv', ... (from the dataset's description). */
  kind: string;
  count: number;
  /** False when the data has no labels or they are ignored (an unlabelled sample). */
  labelled: boolean;
  classes?: string[];
  inputShape: number[];
  /** The preprocessing asked for, parsed ({} for the defaults from the model input). */
  preprocess: PreprocessSpec;
  split?: IdxSplit;
}

export interface PreviewSample {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB). */
  channels: number;
  /** width·height·channels values 0..255, interleaved: the model input rescaled for display. */
  pixels: number[];
  label: number | null;
  className: string | null;
  source: string;
  /** Smallest and largest value of this sample as the model sees it (after preprocessing). */
  inputRange: [number, number];
}

export interface DatasetPreview {
  dataset: DatasetHandle;
  description: {
    kind: string;
    source: string;
    count: number;
    labelled: boolean;
    sampleShape: number[];
    inputShape: number[];
    /** Range of the raw stored values, when known. */
    valueRange?: [number, number];
    /** The preprocessing applied, spelled out with the defaults resolved for the model input. */
    preprocess: string;
  };
  samples: PreviewSample[];
  /** Observed range over the previewed samples after preprocessing (what the model receives). */
  inputRange: [number, number];
}

export interface DemoHandles {
  model: ModelHandle;
  /** The 2,000 labelled test images. */
  dataset: DatasetHandle;
  /** The 500 held-out calibration images, as an unlabelled sample. */
  calibration: DatasetHandle;
}

export interface RecommendArgs {
  modelId?: string;
  data: DataKind;
  samples?: number;
  retrain: boolean;
  target: Target;
  priority: Priority;
  limits?: Limits;
  /** A board id from boards.list (microcontroller target). */
  board?: string;
}

/** A microcontroller board as boards.list sends it (accelerators are not listed). */
export interface BoardInfo {
  id: string;
  name: string;
  mcu: string;
  flashBytes: number;
  ramBytes: number;
  /** The flash family that writes the model onto it; absent: export and build it in instead. */
  flashFamily?: FlashFamilyId;
  /** Flash families and export formats that reach this board. */
  deploy: DeployMethod[];
}

export type { Figure as FootprintFigure, BoardFit as BoardFitInfo, FitReport } from '../engine/deploy/fit';

export type { TechniqueId as OptimizeTechnique } from '../engine/optimize/techniques/registry';
export type {
  ComparisonRowSummary as ComparisonRowInfo,
  ComparisonSummary as ComparisonInfo,
} from '../engine/evaluate/report';
export type { DebugLayerSummary as DebugLayerInfo } from '../engine/optimize/debug-summary';

/**
 * Starts an optimization of an open model: the engine's trial settings, with the model and the
 * datasets named by their handles' ids.
 */
export interface OptimizeParams extends TrialSettings {
  /** The float model to optimize. */
  modelId: string;
  /** Representative sample for the techniques that calibrate (required for those). */
  calibrationDatasetId?: string;
  /** Data to compare the models on; labelled data gives accuracy, any data gives agreement. */
  evaluationDatasetId?: string;
  /** Board to check the produced model against (microcontroller target). */
  board?: string;
  /** Edge TPU target: run the Edge TPU check on the produced model (result.edgetpu). */
  edgetpu?: boolean;
  /** Threads that run the samples of calibration, the evaluation and the layer debugger (default: one per core); results do not depend on it. */
  workers?: number;
  /** Where the model will run: the result then carries the advisor's estimate next to the measurement. */
  target?: Target;
}

/** The engine's trial, with the produced model registered like an opened one (inspect, save, bytes). */
export type OptimizeResult = Omit<TechniqueTrial, 'model' | 'bytes'> & {
  model: ModelHandle;
  /** The run this result is kept as in its session (runs.list). */
  runId: string;
  fit: FitReport | null;
  /** What edgetpu_compiler would map in the produced model (Edge TPU target), else null. */
  edgetpu: EdgeTpuCheckReport | null;
  /** The advisor's estimates for `target` next to what this run measured, with the reason for a gap (empty without a target). */
  estimates: EstimateCheck[];
};
