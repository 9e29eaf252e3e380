/**
 * The wizard's optimize job (worker side): reopen the datasets the services validated, try the
 * technique on the float model (engine/evaluate/technique-trial.ts: quantize, compare, debug
 * layers) and check the board fit. Returns the produced bytes; the parent registers them only
 * after success, so a cancelled or failed job leaves nothing behind.
 */
import type { OptimizeParams } from '../../contract/types';
import { asSampleSet, calibrationSamples } from '../../engine/datasets/samples';
import type { FitReport } from '../../engine/deploy/fit';
import { fitReport } from '../../engine/deploy/fit-report';
import { throwIfAborted } from '../../engine/errors';
import {
  DEFAULT_CALIBRATION_SAMPLES,
  trialTechnique,
  type TechniqueTrial,
} from '../../engine/evaluate/technique-trial';
import { openModel } from '../../engine/model/registry';
import type { TflModel } from '../../engine/tflite/model';
import { writeTflite } from '../../engine/tflite/writer';
import { openReference, type ReferenceModel } from '../../runtimes/open-runner';
import { checkEdgeTpu, type EdgeTpuCheckReport } from '../../engine/targets/edgetpu/check';
import type { JobContext } from '../protocol';
import { defaultWorkerCount, WorkerSamplePool } from '../pool/sample-pool';
import { openFromSpec, type DatasetSpec } from './dataset-spec';

/** The contract's parameters with the model as bytes and the datasets as specs (and display names). */
export type OptimizeJobParams = Omit<
  OptimizeParams,
  'modelId' | 'calibrationDatasetId' | 'evaluationDatasetId'
> & {
  floatBytes: Uint8Array;
  calibration?: DatasetSpec & { name: string };
  evaluation?: DatasetSpec & { name: string };
};

export type OptimizeJobResult = Omit<TechniqueTrial, 'model'> & {
  fit: FitReport | null;
  edgetpu: EdgeTpuCheckReport | null;
};

export async function optimizeJob(p: OptimizeJobParams, ctx: JobContext): Promise<OptimizeJobResult> {
  const t0 = performance.now();
  const { floatBytes } = p;
  const floatModel = openModel(floatBytes, 'the float model').tflite;
  // An ONNX model: ONNX Runtime scores the original as the reference row; the converted float
  // TFLite model (sized as TFLite bytes) is the float32 row the techniques start from.
  const reference = await openReference(floatBytes, 'the float model');
  try {
    return await optimizeWith(
      p,
      { floatModel, floatBytes: reference ? writeTflite(floatModel) : floatBytes, reference },
      ctx,
      t0,
    );
  } finally {
    await reference?.model.dispose();
  }
}

async function optimizeWith(
  p: OptimizeJobParams,
  float: { floatModel: TflModel; floatBytes: Uint8Array; reference: ReferenceModel | null },
  ctx: JobContext,
  t0: number,
): Promise<OptimizeJobResult> {
  const {
    floatBytes: _fileBytes,
    calibration,
    evaluation,
    board,
    edgetpu: forEdgeTpu,
    workers,
    ...settings
  } = p;
  const { floatModel, floatBytes } = float;
  const samples = calibration
    ? calibrationSamples(openFromSpec(calibration), p.calibrationSamples ?? DEFAULT_CALIBRATION_SAMPLES)
    : [];
  throwIfAborted(ctx.signal);
  // Threads start only when the evaluation begins, and end with the job.
  const pool = new WorkerSamplePool(workers ?? defaultWorkerCount());
  const { model, ...trial } = await trialTechnique({
    settings,
    floatModel,
    floatBytes,
    reference: float.reference ?? undefined,
    calibration: samples,
    evaluation: evaluation
      ? { name: evaluation.name, samples: asSampleSet(openFromSpec(evaluation), p.evaluationSamples) }
      : null,
    signal: ctx.signal,
    onProgress: ctx.progress,
    pool,
  }).finally(() => pool.dispose());
  const fit = board ? fitReport(model, trial.bytes.length, board) : null;
  const edgetpu = forEdgeTpu ? checkEdgeTpu(model) : null;
  ctx.progress('done', 1, 1);
  return { ...trial, fit, edgetpu, seconds: (performance.now() - t0) / 1000 };
}
