/**
 * Contract shapes of the guided wizard: datasets, the advisor's plan, optimization jobs and their
 * results, board fit. Type-only like types.ts (the advisor's Plan is pure data, imported as a type).
 */
import type { Plan } from '../engine/advisor/types';
import type { PreprocessSpec } from '../engine/datasets/preprocess';
import type { DeployMethod, FlashFamilyId } from '../engine/deploy/device-types';
import type { FitReport } from '../engine/deploy/fit';
import type { ModelHandle } from './types';

export type WizardPlan = Plan;
export type { Blocked, Effect, FitCheck, PlanOption, Step as PlanStep } from '../engine/advisor/types';

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
  split?: 't10k' | 'train' | 'calibration';
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
  data: 'none' | 'unlabelled' | 'labelled';
  samples?: number;
  retrain: boolean;
  target: 'cpu' | 'gpu' | 'edgetpu' | 'mcu' | 'dsp';
  priority: 'size' | 'latency' | 'accuracy';
  limits?: { maxModelBytes?: number; maxRamBytes?: number; maxAccuracyLossPoints?: number };
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

export type OptimizeTechnique = 'float16' | 'dynamic' | 'int8' | 'int16x8';

export interface OptimizeParams {
  /** The float model to optimize. */
  modelId: string;
  technique: OptimizeTechnique;
  /** Representative sample for int8 / 16x8 calibration (required for those). */
  calibrationDatasetId?: string;
  /** At most this many calibration samples (default 500). */
  calibrationSamples?: number;
  /** Data to compare the models on; labelled data gives accuracy, any data gives agreement. */
  evaluationDatasetId?: string;
  /** At most this many evaluation samples (default all). */
  evaluationSamples?: number;
  io?: 'float' | 'int8' | 'uint8' | 'int16';
  /** Keep-float rules, as the CLI's --keep-float: an op name (CONV_2D) or tensor:<pattern>. */
  keepFloat?: string[];
  calibrationMethod?: 'minmax' | 'moving-average' | 'percentile' | 'mse';
  /** Board to check the produced model against (microcontroller target). */
  board?: string;
}

export interface ComparisonRowInfo {
  technique: string;
  bytes: number;
  gzipBytes: number;
  sizeRatio: number;
  gzipRatio: number;
  /** Top-1 accuracy 0..1 on labelled data, else null. */
  accuracy: number | null;
  /** Accuracy change against float32 in percentage points. */
  accuracyDeltaPts: number | null;
  /** Fraction of samples where the top-1 class matches float32's. */
  agreement: number | null;
  sqnrDb: number | null;
  latencyMs: number;
  speedup: number;
  arenaBytes: number;
}

export interface ComparisonInfo {
  title: string;
  dataset: string;
  samples: number;
  rows: ComparisonRowInfo[];
}

export interface DebugLayerInfo {
  name: string;
  op: string;
  opIndex: number;
  dtype: string;
  sqnrDb: number | null;
  cosine: number;
  maxAbsError: number;
  flagged: boolean;
  remedy: string | null;
}

export interface OptimizeResult {
  /** The produced model, registered like an opened one (inspect, save, bytes). */
  model: ModelHandle;
  technique: OptimizeTechnique;
  /** Against the float model; without data, latency and agreement come from synthetic inputs (see `dataset`). */
  comparison: ComparisonInfo;
  /** Per-layer quantization debugger (int8 / 16x8 with data), worst SQNR first. */
  layers: DebugLayerInfo[] | null;
  warnings: string[];
  fit: FitReport | null;
  seconds: number;
}
