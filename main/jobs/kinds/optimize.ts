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
import type { JobContext } from '../protocol';
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

export type OptimizeJobResult = Omit<TechniqueTrial, 'model'> & { fit: FitReport | null };

export async function optimizeJob(p: OptimizeJobParams, ctx: JobContext): Promise<OptimizeJobResult> {
  const t0 = performance.now();
  const { floatBytes, calibration, evaluation, board, ...settings } = p;
  const floatModel = openModel(floatBytes, 'the float model').tflite;
  const samples = calibration
    ? calibrationSamples(openFromSpec(calibration), p.calibrationSamples ?? DEFAULT_CALIBRATION_SAMPLES)
    : [];
  throwIfAborted(ctx.signal);
  const { model, ...trial } = await trialTechnique({
    settings,
    floatModel,
    floatBytes,
    calibration: samples,
    evaluation: evaluation
      ? { name: evaluation.name, samples: asSampleSet(openFromSpec(evaluation), p.evaluationSamples) }
      : null,
    signal: ctx.signal,
    onProgress: ctx.progress,
  });
  const fit = board ? fitReport(model, trial.bytes.length, board) : null;
  ctx.progress('done', 1, 1);
  return { ...trial, fit, seconds: (performance.now() - t0) / 1000 };
}
