/**
 * The one orchestration of "make models, evaluate each against a baseline, compare": the seeds'
 * comparison table (technique, size, ratio, accuracy, delta, latency, speed-up). `compareModels`
 * is the loop every caller shares (`lowbit evaluate` over files, the prune / cluster / optimize
 * pipeline over its stages); `compareTechniques` feeds it post-training techniques (`lowbit demo`,
 * the app's optimize job).
 *
 * Order of work: each candidate is made before it is evaluated, and the baseline is evaluated just
 * before the first candidate, so a technique that cannot run fails before any evaluation time is
 * spent. Every candidate is compared with the baseline's outputs (agreement, SQNR).
 */
import { throwIfAborted } from '../errors';
import { needsCalibration, quantizeModel, type TechniqueId, type TechniqueOptions } from '../optimize/index';
import type { QuantizeResult } from '../optimize/types';
import type { ModelInputs } from '../tensor/model-inputs';
import type { TflModel } from '../tflite/model';
import { writeTflite } from '../tflite/writer';
import { evaluateModel, type ModelEvaluation, type SampleSet } from './evaluate';
import type { ModelRunner } from './model-runner';
import type { SamplePool } from '../interpreter/sample-pool';
import { buildComparison, type ComparisonReport, type ReportRow } from './report';

/**
 * A model to evaluate with its file's bytes (size is measured on the bytes): a TFLite model, run
 * by the interpreter, or a runner of another runtime (an ONNX model under ONNX Runtime).
 */
export interface EvaluableModel {
  model: TflModel | ModelRunner;
  bytes: Uint8Array;
}

/** A TFLite model with its serialized bytes. */
export interface ModelAndBytes extends EvaluableModel {
  model: TflModel;
}

/** One model to compare: its row label and file, and how to make it when its turn comes. */
export interface Candidate<T extends EvaluableModel> {
  label: string;
  file?: string;
  make: () => T | Promise<T>;
}

/** make: producing a candidate (quantizing, calibrating); evaluate: running a model on the test set. */
export interface CompareProgress {
  step: 'make' | 'evaluate';
  label: string;
  done: number;
  total: number;
}

export interface CompareModelsInput<T extends EvaluableModel> {
  baseline: EvaluableModel & { label: string; file?: string };
  candidates: readonly Candidate<T>[];
  test: SampleSet;
  latencyRuns?: number;
  warmupRuns?: number;
  signal?: AbortSignal;
  onProgress?: (p: CompareProgress) => void;
  /** Threads for the samples of every evaluation (results identical to one thread). */
  pool?: SamplePool;
}

export interface ComparedModels<T extends EvaluableModel> {
  /** Baseline first, then the candidates in order; evaluations carry no outputs. */
  rows: ReportRow[];
  /** What each candidate's `make` returned, in order. */
  made: T[];
}

export async function compareModels<T extends EvaluableModel>(
  input: CompareModelsInput<T>,
): Promise<ComparedModels<T>> {
  const { test, signal, baseline } = input;
  const onProgress = input.onProgress ?? (() => {});
  const evaluate = (
    label: string,
    m: EvaluableModel,
    reference?: Float32Array[][],
  ): Promise<ModelEvaluation> =>
    evaluateModel(m.model, m.bytes, test, {
      reference,
      keepOutputs: reference === undefined,
      latencyRuns: input.latencyRuns,
      warmupRuns: input.warmupRuns,
      signal,
      pool: input.pool,
      progress: (done, total) => onProgress({ step: 'evaluate', label, done, total }),
    });
  const row = (label: string, file: string | undefined, e: ModelEvaluation): ReportRow => ({
    technique: label,
    file: file ?? label,
    evaluation: { ...e, outputs: undefined },
  });
  let reference: Float32Array[][] | undefined;
  const rows: ReportRow[] = [];
  const made: T[] = [];
  const evaluateBaseline = async (): Promise<Float32Array[][]> => {
    onProgress({ step: 'evaluate', label: baseline.label, done: 0, total: test.length });
    const e = await evaluate(baseline.label, baseline);
    rows.push(row(baseline.label, baseline.file, e));
    return e.outputs ?? [];
  };
  for (const c of input.candidates) {
    throwIfAborted(signal);
    const m = await c.make();
    made.push(m);
    throwIfAborted(signal);
    reference ??= await evaluateBaseline();
    rows.push(row(c.label, c.file, await evaluate(c.label, m, reference)));
  }
  if (!reference) await evaluateBaseline();
  return { rows, made };
}

export interface CompareTechniquesInput {
  title: string;
  datasetName: string;
  floatModel: TflModel;
  floatBytes: Uint8Array;
  /**
   * The model the float TFLite model was converted from, in its own runtime (an ONNX model under
   * ONNX Runtime): when given, it is the baseline row and the float model is a row after it.
   */
  reference?: EvaluableModel & { label: string };
  /** Representative samples for the techniques that calibrate. */
  calibration: readonly ModelInputs[];
  test: SampleSet;
  techniques: readonly TechniqueId[];
  /** Technique options beyond the samples (io, calibration method, keep-float rules...). */
  options?: Omit<TechniqueOptions, 'samples' | 'signal' | 'onProgress' | 'pool'>;
  /**
   * Options for one technique only, over `options` (the app's "compare all": int8 with int8 I/O
   * beside dynamic range, which takes no I/O type).
   */
  perTechnique?: Partial<
    Record<TechniqueId, Omit<TechniqueOptions, 'samples' | 'signal' | 'onProgress' | 'pool'>>
  >;
  latencyRuns?: number;
  /** While making, a calibrating technique counts samples. */
  onProgress?: (p: CompareProgress) => void;
  signal?: AbortSignal;
  /** Threads for calibration and every evaluation's samples (results identical to one thread). */
  pool?: SamplePool;
}

export interface QuantizedModel extends ModelAndBytes {
  technique: TechniqueId;
  /** The quantizer's result: warnings, op counts (and input ranges for full integer). */
  result: QuantizeResult;
}

export interface CompareTechniquesResult {
  report: ComparisonReport;
  /** The produced models, by technique, for saving. */
  models: QuantizedModel[];
}

export async function compareTechniques(input: CompareTechniquesInput): Promise<CompareTechniquesResult> {
  const { signal } = input;
  const onProgress = input.onProgress ?? (() => {});
  const models: QuantizedModel[] = [];
  const candidates = input.techniques.map((technique): Candidate<QuantizedModel> => ({
    label: technique,
    make: async () => {
      const samples = needsCalibration(technique) ? input.calibration : undefined;
      onProgress({ step: 'make', label: technique, done: 0, total: samples?.length ?? 1 });
      const result = await quantizeModel(input.floatModel, {
        ...input.options,
        ...input.perTechnique?.[technique],
        technique,
        samples,
        signal,
        onProgress: (done, total) => onProgress({ step: 'make', label: technique, done, total }),
        pool: input.pool,
      });
      const bytes = writeTflite(result.model);
      const made = { technique, model: result.model, bytes, result };
      models.push(made);
      return made;
    },
  }));
  const float = { label: 'float32', model: input.floatModel, bytes: input.floatBytes };
  const { rows } = await compareModels<EvaluableModel>({
    baseline: input.reference ?? float,
    candidates: input.reference ? [{ label: float.label, make: () => float }, ...candidates] : candidates,
    test: input.test,
    latencyRuns: input.latencyRuns ?? 30,
    signal,
    onProgress,
    pool: input.pool,
  });
  return { report: buildComparison(input.title, input.datasetName, rows), models };
}
