/**
 * The training service (issue 15): starts the `train.run` job for an open float model and a
 * labelled dataset opened for it, and finishes it: the trained model is registered like an
 * optimized one (inspect, model.save, model.bytes) only when the job succeeds, whether it ran
 * all its epochs or jobs.stop ended it with the best model so far. Nothing is written here.
 */
import type { ArgsOf, JobFinished, ModelHandle, TrainJobResult } from '../contract/types';
import { TRAIN_DEFAULTS } from '../contract/train';
import { InvalidArgumentError } from '../engine/errors';
import { hasRecipe, parseRecipe } from '../engine/train/recipes/registry';
import type { TflModel } from '../engine/tflite/model';
import type { JobManager, WorkerJobFinished } from '../jobs/manager';
import { closedSession, sessionOpen, unknownJob } from './job-session';
import type { DatasetSpec } from '../jobs/kinds/dataset-spec';
import type { TrainJobParams } from '../jobs/kinds/train';

export interface TrainHost {
  getModel(id: string): { handle: ModelHandle; model: TflModel; bytes: Uint8Array };
  registerModel(name: string, file: string | null, bytes: Uint8Array): ModelHandle;
  closeModel(id: string): void;
  /** A dataset handle's spec, checked to have been opened for `modelId` (the wizard's store). */
  datasetSpec(modelId: string, datasetId: string): DatasetSpec & { name: string };
  jobs: JobManager;
}

export interface Training {
  start(req: ArgsOf<'jobs.start'> & { kind: 'train.run' }): { jobId: string };
  /** True when `jobId` is a training job of this service. */
  owns(jobId: string): boolean;
  /** The model a session started from is closing: its training jobs are cancelled. */
  cancelSession(sessionId: string): void;
  finish(f: WorkerJobFinished<'train.run'>): JobFinished;
}

const stemOf = (name: string) => name.replace(/\.(tflite|onnx)$/i, '');

export function createTraining(host: TrainHost): Training {
  const pending = new Map<string, { sessionId: string; stem: string }>();
  return {
    start({ params: p }) {
      // The schema checks the shape; the engine's registry knows the steps and which it can run.
      const missing = parseRecipe(p.recipe).filter((s) => !hasRecipe(s.kind));
      if (missing.length)
        throw new InvalidArgumentError(
          `recipe "${p.recipe}": ${missing.map((s) => s.kind).join(', ')} is not available in this build`,
          { option: 'recipe' },
        );
      const src = host.getModel(p.modelId);
      const data = host.datasetSpec(p.modelId, p.datasetId);
      if (!data.labelled)
        throw new InvalidArgumentError(
          `${data.name}: has no labels (or was opened as an unlabelled sample); training needs labelled data`,
        );
      const evaluation = p.evaluationDatasetId
        ? host.datasetSpec(p.modelId, p.evaluationDatasetId)
        : undefined;
      const floatBytes = src.bytes.slice();
      const { modelId: _m, datasetId: _d, evaluationDatasetId: _e, ...options } = p;
      const params: TrainJobParams = {
        ...TRAIN_DEFAULTS,
        ...options,
        floatBytes,
        modelName: src.handle.name,
        data,
        ...(evaluation ? { evaluation } : {}),
      };
      const { jobId } = host.jobs.start('train.run', params, [floatBytes.buffer as ArrayBuffer]);
      pending.set(jobId, { sessionId: p.modelId, stem: stemOf(src.handle.name) });
      return { jobId };
    },
    owns: (jobId) => pending.has(jobId),
    cancelSession(sessionId) {
      for (const [jobId, job] of pending) if (job.sessionId === sessionId) host.jobs.cancel(jobId);
    },
    finish(f) {
      const job = pending.get(f.jobId);
      pending.delete(f.jobId);
      if (f.status !== 'succeeded') return f;
      if (!job) return unknownJob(f, 'a training job');
      if (!sessionOpen(host.getModel, job.sessionId)) return closedSession(f, 'training');
      const { bytes, ...rest } = f.result;
      const tag = rest.recipe.replace(/[^a-z0-9.]+/gi, '-');
      try {
        const model = host.registerModel(`${job.stem}_${tag}.tflite`, null, bytes);
        const result: TrainJobResult = { ...rest, model };
        return { jobId: f.jobId, kind: 'train.run', status: 'succeeded', result };
      } catch (e) {
        return {
          jobId: f.jobId,
          kind: f.kind,
          status: 'failed',
          error: {
            code: 'INTERNAL',
            message: `the trained model does not read back: ${(e as Error).message}`,
          },
        };
      }
    },
  };
}
