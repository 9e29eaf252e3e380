/**
 * "Compare all that apply" (worker side): the candidate techniques quantized from the same float
 * model and evaluated on the same data in one job, by the engine's one comparison
 * (engine/evaluate/compare.ts, compareTechniques: the float model is evaluated once, every
 * candidate against its outputs). Returns each produced model's bytes; the parent registers them
 * only after success, so a cancelled or failed job leaves nothing behind.
 */
import type { CompareParams, OptimizeTechnique } from '../../contract/types';
import { asSampleSet, calibrationSamples } from '../../engine/datasets/samples';
import type { FitReport } from '../../engine/deploy/fit';
import { fitReport } from '../../engine/deploy/fit-report';
import { InvalidArgumentError, throwIfAborted } from '../../engine/errors';
import { compareTechniques } from '../../engine/evaluate/compare';
import { summarizeComparison, type ComparisonSummary } from '../../engine/evaluate/report';
import { syntheticSamples } from '../../engine/evaluate/synthetic';
import {
  DEFAULT_CALIBRATION_SAMPLES,
  LATENCY_RUNS,
  SYNTHETIC_DATASET_NAME,
  SYNTHETIC_SAMPLES,
} from '../../engine/evaluate/technique-trial';
import { openModel } from '../../engine/model/registry';
import { needsCalibration } from '../../engine/optimize/index';
import { checkEdgeTpu, type EdgeTpuCheckReport } from '../../engine/targets/edgetpu/check';
import { writeTflite } from '../../engine/tflite/writer';
import { openReference } from '../../runtimes/open-runner';
import type { JobContext } from '../protocol';
import { defaultWorkerCount, WorkerSamplePool } from '../pool/sample-pool';
import { openFromSpec, type DatasetSpec } from './dataset-spec';

export type CompareJobParams = Omit<
  CompareParams,
  'modelId' | 'calibrationDatasetId' | 'evaluationDatasetId'
> & {
  floatBytes: Uint8Array;
  calibration?: DatasetSpec & { name: string };
  evaluation?: DatasetSpec & { name: string };
};

export interface ComparedTechnique {
  technique: OptimizeTechnique;
  bytes: Uint8Array;
  warnings: string[];
  fit: FitReport | null;
  edgetpu: EdgeTpuCheckReport | null;
}

export interface CompareJobResult {
  /** The one table: the float model (and an ONNX model's reference row) and every candidate. */
  comparison: ComparisonSummary;
  models: ComparedTechnique[];
  seconds: number;
}

export async function compareJob(p: CompareJobParams, ctx: JobContext): Promise<CompareJobResult> {
  const t0 = performance.now();
  const floatModel = openModel(p.floatBytes, 'the float model').tflite;
  const reference = await openReference(p.floatBytes, 'the float model');
  const techniques = p.candidates.map((c) => c.technique);
  const calibrating = techniques.some(needsCalibration);
  if (calibrating && !p.calibration)
    throw new InvalidArgumentError(
      'a technique that calibrates needs a representative sample: choose data first',
      {
        option: 'calibration',
      },
    );
  const samples =
    calibrating && p.calibration
      ? calibrationSamples(openFromSpec(p.calibration), p.calibrationSamples ?? DEFAULT_CALIBRATION_SAMPLES)
      : [];
  throwIfAborted(ctx.signal);
  const test = p.evaluation
    ? asSampleSet(openFromSpec(p.evaluation), p.evaluationSamples)
    : syntheticSamples(floatModel, SYNTHETIC_SAMPLES);
  const pool = new WorkerSamplePool(p.workers ?? defaultWorkerCount());
  try {
    const { report, models } = await compareTechniques({
      title: `${techniques.join(', ')} vs float32`,
      datasetName: p.evaluation?.name ?? SYNTHETIC_DATASET_NAME,
      floatModel,
      floatBytes: reference ? writeTflite(floatModel) : p.floatBytes,
      reference: reference ?? undefined,
      calibration: samples,
      test,
      techniques,
      options: { method: p.calibrationMethod },
      perTechnique: Object.fromEntries(p.candidates.map((c) => [c.technique, c.io ? { io: c.io } : {}])),
      latencyRuns: LATENCY_RUNS,
      signal: ctx.signal,
      pool,
      onProgress: (q) =>
        ctx.progress(
          q.step === 'evaluate'
            ? `evaluating ${q.label}`
            : needsCalibration(q.label as OptimizeTechnique)
              ? `calibrating ${q.label}`
              : `quantizing ${q.label}`,
          q.done,
          q.total,
        ),
    });
    const made = models.map((m): ComparedTechnique => ({
      technique: m.technique,
      bytes: m.bytes,
      warnings: m.result.warnings,
      fit: p.board ? fitReport(m.model, m.bytes.length, p.board) : null,
      edgetpu: p.edgetpu ? checkEdgeTpu(m.model) : null,
    }));
    ctx.progress('done', 1, 1);
    return {
      comparison: summarizeComparison(report),
      models: made,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await pool.dispose();
    await reference?.model.dispose();
  }
}
