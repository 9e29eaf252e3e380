/**
 * Applies post-training techniques to a float model and evaluates each against it: the seeds'
 * comparison table (technique, size, ratio, accuracy, delta, latency, speed-up), as an engine
 * function so the CLI (`lowbit demo`, `lowbit evaluate`) and the app share it.
 */
import { throwIfAborted } from '../errors';
import { quantizeModel } from '../optimize/index';
import type { Technique } from '../optimize/types';
import type { TflModel } from '../tflite/model';
import { writeTflite } from '../tflite/writer';
import { evaluateModel, type SampleSet } from './evaluate';
import { buildComparison, type ComparisonReport, type ReportRow } from './report';

export interface CompareInput {
  title: string;
  datasetName: string;
  floatModel: TflModel;
  floatBytes: Uint8Array;
  /** Representative samples for int8 / 16x8 calibration (one Float32Array per model input). */
  calibration: Float32Array[][];
  test: SampleSet;
  techniques: Technique[];
  latencyRuns?: number;
  progress?: (stage: string, done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface CompareResult {
  report: ComparisonReport;
  /** The produced model files, by technique, for saving. */
  models: { technique: Technique; bytes: Uint8Array; warnings: string[] }[];
}

export async function compareTechniques(input: CompareInput): Promise<CompareResult> {
  const { test, signal } = input;
  const progress = input.progress ?? (() => {});
  const latencyRuns = input.latencyRuns ?? 30;
  progress('evaluating float32', 0, test.length);
  const base = evaluateModel(input.floatModel, input.floatBytes, test, {
    keepOutputs: true,
    latencyRuns,
    signal,
    progress: (d, t) => progress('evaluating float32', d, t),
  });
  const rows: ReportRow[] = [
    { technique: 'float32', file: 'float32', evaluation: { ...base, outputs: undefined } },
  ];
  const models: CompareResult['models'] = [];
  for (const technique of input.techniques) {
    throwIfAborted(signal);
    const stage = `quantizing ${technique}`;
    const result = await quantizeModel(input.floatModel, {
      technique,
      samples: input.calibration,
      signal,
      onProgress: (d, t) => progress(stage, d, t),
    });
    const bytes = writeTflite(result.model);
    models.push({ technique, bytes, warnings: result.warnings });
    const evaluation = evaluateModel(result.model, bytes, test, {
      reference: base.outputs,
      latencyRuns,
      signal,
      progress: (d, t) => progress(`evaluating ${technique}`, d, t),
    });
    rows.push({ technique, file: technique, evaluation });
  }
  return { report: buildComparison(input.title, input.datasetName, rows), models };
}
