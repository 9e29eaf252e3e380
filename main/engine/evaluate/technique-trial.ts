/**
 * One technique tried on a float model, the way the app runs it: quantize, compare with the float
 * model on the evaluation data (or synthetic inputs when there is none), and for the techniques
 * that calibrate, the per-layer debugger on a few calibration samples. The comparison is
 * compare.ts's; this file only chooses the data and the settings.
 */
import { InvalidArgumentError } from '../errors';
import {
  debugQuantization,
  needsCalibration,
  parseKeepFloat,
  type CalibrationMethod,
  type ModelIo,
  type TechniqueId,
} from '../optimize/index';
import { summarizeLayers, type DebugLayerSummary } from '../optimize/debug-summary';
import type { ModelInputs } from '../tensor/model-inputs';
import type { TflModel } from '../tflite/model';
import { compareTechniques, type EvaluableModel } from './compare';
import type { SampleSet } from './evaluate';
import type { SamplePool } from '../interpreter/sample-pool';
import { summarizeComparison, type ComparisonSummary } from './report';
import { syntheticSamples } from './synthetic';

/** What the user chose for a trial (the data itself is passed apart, already opened). */
export interface TrialSettings {
  technique: TechniqueId;
  /** At most this many calibration samples (default 500). */
  calibrationSamples?: number;
  /** At most this many evaluation samples (default all). */
  evaluationSamples?: number;
  io?: ModelIo;
  /** Keep-float rules: an op (op:CONV_2D) or a tensor pattern (tensor:<regex>). */
  keepFloat?: string[];
  calibrationMethod?: CalibrationMethod;
}

export interface TrialInput {
  settings: TrialSettings;
  floatModel: TflModel;
  floatBytes: Uint8Array;
  /** The model the float model was converted from, in its own runtime: the reference row. */
  reference?: EvaluableModel & { label: string };
  /** Representative samples, already limited to `calibrationSamples`. */
  calibration: readonly ModelInputs[];
  /** Evaluation data with its name, or null for synthetic inputs. */
  evaluation: { name: string; samples: SampleSet } | null;
  signal?: AbortSignal;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Threads for calibration, the evaluation and the debugger (results identical to one thread). */
  pool?: SamplePool;
}

export interface TechniqueTrial {
  technique: TechniqueId;
  model: TflModel;
  bytes: Uint8Array;
  /** Against the float model; without data, latency and agreement come from synthetic inputs (see `dataset`). */
  comparison: ComparisonSummary;
  /** Per-layer quantization debugger (calibrating techniques), worst SQNR first. */
  layers: DebugLayerSummary[] | null;
  warnings: string[];
  seconds: number;
}

export const DEFAULT_CALIBRATION_SAMPLES = 500;
/** Debugger samples: per-layer statistics settle after a few dozen inputs. */
const DEBUG_SAMPLES = 32;
/** Without data: deterministic synthetic inputs, enough for latency and a rough agreement. */
export const SYNTHETIC_SAMPLES = 16;
/** How the comparison names the synthetic inputs (the app's results and reports say it). */
export const SYNTHETIC_DATASET_NAME = `no data: ${SYNTHETIC_SAMPLES} synthetic inputs (uniform 0..1), latency and agreement only`;
/** Warm runs per model for the latency figures (the app's trials and compare-all). */
export const LATENCY_RUNS = 20;

export async function trialTechnique(input: TrialInput): Promise<TechniqueTrial> {
  const t0 = performance.now();
  const { settings: s, signal } = input;
  const progress = input.onProgress ?? (() => {});
  const calibrating = needsCalibration(s.technique);
  if (calibrating && input.calibration.length === 0)
    throw new InvalidArgumentError(
      `${s.technique} needs a representative sample (100–500 items) to calibrate: choose data first`,
      { option: 'calibration' },
    );
  const test = input.evaluation?.samples ?? syntheticSamples(input.floatModel, SYNTHETIC_SAMPLES);
  const { report, models } = await compareTechniques({
    title: `${s.technique} vs float32`,
    datasetName: input.evaluation?.name ?? SYNTHETIC_DATASET_NAME,
    floatModel: input.floatModel,
    floatBytes: input.floatBytes,
    reference: input.reference,
    calibration: input.calibration,
    test,
    techniques: [s.technique],
    options: { io: s.io, method: s.calibrationMethod, keepFloat: s.keepFloat?.map(parseKeepFloat) },
    latencyRuns: LATENCY_RUNS,
    signal,
    pool: input.pool,
    onProgress: (p) =>
      progress(
        p.step === 'evaluate' ? `evaluating ${p.label}` : calibrating ? 'calibrating' : 'quantizing',
        p.done,
        p.total,
      ),
  });
  const quantized = models[0]!;
  let layers: DebugLayerSummary[] | null = null;
  if (calibrating) {
    const dbg = await debugQuantization(
      input.floatModel,
      quantized.model,
      input.calibration.slice(0, DEBUG_SAMPLES),
      { signal, onProgress: (d, t) => progress('debugging layers', d, t), pool: input.pool },
    );
    layers = summarizeLayers(dbg.layers);
  }
  return {
    technique: s.technique,
    model: quantized.model,
    bytes: quantized.bytes,
    comparison: summarizeComparison(report),
    layers,
    warnings: quantized.result.warnings,
    seconds: (performance.now() - t0) / 1000,
  };
}
