/**
 * The wizard's services: the bundled demo, datasets, the advisor, boards and fit, saving models,
 * and the optimize job (started here, finished here: the produced model is registered only when
 * the job succeeds, so a cancelled or failed run leaves no model and writes no file).
 */
import fs from 'node:fs';
import path from 'node:path';
import type {
  ArgsOf,
  BoardInfo,
  CompareParams,
  CompareResult,
  RunSettings,
  JobFinished,
  ModelHandle,
  OptimizeResult,
  ResultOf,
} from '../contract/types';
import {
  adviseTraining,
  boardLimitsFor,
  modelFactsFromReport,
  recommend,
  type AdvisorInput,
  type ModelFacts,
  type Target,
} from '../engine/advisor';
import { checkEstimates } from '../engine/advisor/measured';
import { BOARDS, boardById, flashFamilyOf } from '../engine/deploy/boards';
import { InvalidArgumentError } from '../engine/errors';
import { inspectModel } from '../engine/tflite/inspect';
import { Interpreter } from '../engine/interpreter/interpreter';
import type { TflModel } from '../engine/tflite/model';
import { checkOutputPath, writeFileAtomic } from '../files/write-file';
import { trainingSplit } from '../files/labelled-data';
import type { JobManager, WorkerJobFinished } from '../jobs/manager';
import type { OptimizeJobParams } from '../jobs/kinds/optimize';
import type { CompareJobParams } from '../jobs/kinds/compare';
import type { DatasetSpec } from '../jobs/kinds/dataset-spec';
import type { Runs } from './runs';
import { needsCalibration } from '../engine/optimize/index';
import { fitReport } from '../engine/deploy/fit-report';
import { techniqueById } from '../engine/optimize/index';
import { DatasetStore } from './datasets';
import type { Grants } from './grants';
import { hasModelExtension, MODEL_FORMATS } from '../engine/model/registry';
import { closedSession, sessionOpen, unknownJob } from './job-session';

export interface WizardHost {
  getModel(id: string): { handle: ModelHandle; model: TflModel; bytes: Uint8Array };
  openModelPath(file: string): ModelHandle;
  registerModel(name: string, file: string | null, bytes: Uint8Array): ModelHandle;
  closeModel(id: string): void;
  /** Source paths of every open model (never overwritten by model.save). */
  modelPaths(): string[];
  jobs: JobManager;
  demoDir: string;
  /** What the caller may read and write (grants.ts). */
  grants: Grants;
  showSaveDialog?: (defaultName: string) => Promise<string | null>;
  showDatasetDialog?: () => Promise<string | null>;
  /** Where finished runs are kept, per session (the model they started from). */
  runs: Runs;
}

type WizardMethod =
  | 'demo.open'
  | 'datasets.open'
  | 'datasets.preview'
  | 'datasets.close'
  | 'advisor.recommend'
  | 'boards.list'
  | 'deploy.fit'
  | 'model.save'
  | 'model.bytes';
type WizardImpl = { [M in WizardMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export interface Wizard {
  impl: WizardImpl;
  startOptimize(params: ArgsOf<'jobs.start'> & { kind: 'optimize.run' }): { jobId: string };
  /** "Compare all that apply": the candidates in one optimize.compare job. */
  startCompare(params: ArgsOf<'jobs.start'> & { kind: 'optimize.compare' }): { jobId: string };
  /** The model a session started from is closing: its running optimize jobs are cancelled. */
  cancelSession(sessionId: string): void;
  /** Turns a finished worker job into the contract's (an optimize job's model is registered here). */
  finish(f: Exclude<WorkerJobFinished, { kind: 'train.run' }>): JobFinished;
  /** A dataset handle's spec for a job, checked to have been opened for `modelId`. */
  datasetSpec(modelId: string, datasetId: string): DatasetSpec & { name: string };
}

/**
 * The arena the interpreter's planner gives the model (what `lowbit fit` counts); without it (an
 * op the interpreter cannot plan) the advisor falls back to the activation lower bound.
 */
function measuredArena(model: TflModel): { arenaBytes?: number } {
  try {
    return { arenaBytes: Interpreter.create(model).arenaBytes };
  } catch {
    return {};
  }
}

/** True when something (even a dangling symlink) is at `p`. */
function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

export function createWizard(host: WizardHost): Wizard {
  const datasets = new DatasetStore();
  /**
   * Running optimize and compare jobs: the session they belong to and what they were asked; for
   * the estimate check, the target and the float model's facts.
   */
  const pending = new Map<
    string,
    { sessionId: string; stem: string; settings: RunSettings; target?: Target; facts?: ModelFacts }
  >();

  const openDemoDataset = (
    modelId: string,
    model: TflModel,
    split: 't10k' | 'calibration',
    labelled: boolean,
  ) => datasets.add(modelId, model, { path: path.join(host.demoDir, 'fashion-mnist'), split, labelled });

  const candidatesOf = new Map<string, CompareParams['candidates']>();
  const stemOf = (name: string) => name.replace(/\.(tflite|onnx)$/i, '');
  /** A dataset handle's spec for a job (it must have been opened for this model). */
  const spec = (modelId: string, id?: string) => {
    if (!id) return undefined;
    const d = datasets.get(id);
    if (d.handle.modelId !== modelId)
      throw new InvalidArgumentError(`dataset ${d.handle.name} was opened for another model: open it again`);
    return { ...d.spec, name: `${d.handle.name}, ${d.handle.count} samples` };
  };

  const impl: WizardImpl = {
    'demo.open': () => {
      // Main's own choice: the handles it returns name the demo's paths, so they are granted.
      host.grants.grantRead(host.demoDir);
      const file = path.join(host.demoDir, 'fashion_cnn.tflite');
      if (!fs.existsSync(file))
        throw new InvalidArgumentError(`the bundled demo model is missing (${file}): run npm run train-demo`);
      const handle = host.openModelPath(file);
      const { model } = host.getModel(handle.id);
      return {
        model: handle,
        dataset: openDemoDataset(handle.id, model, 't10k', true),
        calibration: openDemoDataset(handle.id, model, 'calibration', false),
      };
    },
    'datasets.open': async ({ modelId, path: file, preprocess, split, labelled, purpose }) => {
      const { model } = host.getModel(modelId);
      let chosen = file === undefined ? undefined : host.grants.checkRead(file);
      if (chosen === undefined) {
        if (!host.showDatasetDialog)
          throw new InvalidArgumentError('no path given and no folder dialog in browser mode: type the path');
        const picked = await host.showDatasetDialog();
        if (picked === null) return null;
        chosen = picked;
      }
      // Training data: an IDX folder's split as `lowbit train` picks it (train before the test split).
      const idxSplit = split ?? (purpose === 'training' ? trainingSplit(chosen) : undefined);
      return datasets.add(modelId, model, { path: chosen, preprocess, split: idxSplit, labelled });
    },
    'datasets.preview': ({ datasetId, count }) => datasets.preview(datasetId, count),
    'datasets.close': ({ datasetId }) => datasets.close(datasetId),
    'advisor.recommend': (args) => {
      const m = args.modelId ? host.getModel(args.modelId) : null;
      const report = m ? inspectModel(m.model, m.bytes.length) : null;
      const board = args.board ? boardById(args.board) : undefined;
      if (args.board && !board)
        throw new InvalidArgumentError(`unknown board ${args.board}: see boards.list`);
      const input: AdvisorInput = {
        data:
          args.data === 'none'
            ? { kind: 'none' }
            : { kind: args.data, ...(args.samples !== undefined ? { count: args.samples } : {}) },
        retrain: args.retrain,
        target: args.target,
        priority: args.priority,
        ...(args.limits ? { limits: args.limits } : {}),
        ...(board ? { board: boardLimitsFor(board, report ? Object.keys(report.opCounts) : undefined) } : {}),
        ...(report && m ? { model: modelFactsFromReport(report, measuredArena(m.model)) } : {}),
      };
      return { ...recommend(input), training: adviseTraining(input) };
    },
    'boards.list': () =>
      BOARDS.map((b): BoardInfo => ({
        id: b.id,
        name: b.name,
        mcu: b.mcu,
        flashBytes: b.flashKB * 1024,
        ramBytes: b.ramKB * 1024,
        flashFamily: flashFamilyOf(b),
        deploy: b.deploy,
      })),
    'deploy.fit': ({ modelId, board }) => {
      const m = host.getModel(modelId);
      return fitReport(m.model, m.bytes.length, board);
    },
    'model.save': async ({ modelId, path: file, overwrite }) => {
      const m = host.getModel(modelId);
      let target: string;
      let mayReplace: boolean;
      if (file === undefined) {
        if (!host.showSaveDialog)
          throw new InvalidArgumentError('no path given and no save dialog in browser mode: use model.bytes');
        const picked = await host.showSaveDialog(m.handle.name);
        if (picked === null) return null;
        host.grants.grantWrite(picked); // the user picked it; the dialog asked before replacing
        target = path.resolve(picked);
        mayReplace = true;
        overwrite = true;
      } else {
        ({ path: target, mayReplace } = host.grants.checkWrite(file));
        // A model file only: a caller must not plant other files (scripts, autostart entries).
        if (!mayReplace && !hasModelExtension(target))
          throw new InvalidArgumentError(
            `${file}: a model's file name ends in ${MODEL_FORMATS.flatMap((f) => f.extensions).join(' or ')}`,
          );
      }
      // Never the file a model was opened from (the float input above all).
      checkOutputPath(target, host.modelPaths());
      if (exists(target) && !(overwrite && mayReplace))
        throw new InvalidArgumentError(
          mayReplace
            ? `${target} already exists: choose another name`
            : `${target} already exists: choose another name (only a file picked in the Save dialog is replaced; delete it yourself to reuse the name)`,
        );
      writeFileAtomic(target, m.bytes, host.modelPaths());
      return { path: target };
    },
    'model.bytes': ({ modelId }) => host.getModel(modelId).bytes.slice(),
  };

  return {
    impl,
    datasetSpec: (modelId, datasetId) => spec(modelId, datasetId)!,
    startOptimize({ params: p }) {
      techniqueById(p.technique); // the contract checks the shape only; the registry knows the ids
      const src = host.getModel(p.modelId);
      if (p.board && !boardById(p.board))
        throw new InvalidArgumentError(`unknown board ${p.board}: see boards.list`);
      const floatBytes = src.bytes.slice();
      const { modelId: _modelId, calibrationDatasetId, evaluationDatasetId, target, ...settings } = p;
      const calibration = spec(p.modelId, calibrationDatasetId);
      const params: OptimizeJobParams = {
        ...settings,
        floatBytes,
        calibration,
        evaluation: spec(p.modelId, evaluationDatasetId),
      };
      const { jobId } = host.jobs.start('optimize.run', params, [floatBytes.buffer as ArrayBuffer]);
      pending.set(jobId, {
        sessionId: p.modelId,
        stem: stemOf(src.handle.name),
        settings: { ...settings, ...(calibration ? { calibration: calibration.name } : {}) },
        ...(target
          ? {
              target,
              facts: modelFactsFromReport(
                inspectModel(src.model, src.bytes.length),
                measuredArena(src.model),
              ),
            }
          : {}),
      });
      return { jobId };
    },
    startCompare({ params: p }) {
      for (const c of p.candidates) techniqueById(c.technique);
      const src = host.getModel(p.modelId);
      if (p.board && !boardById(p.board))
        throw new InvalidArgumentError(`unknown board ${p.board}: see boards.list`);
      const calibrating = p.candidates.filter((c) => needsCalibration(c.technique));
      if (calibrating.length && !p.calibrationDatasetId)
        throw new InvalidArgumentError(
          `${calibrating.map((c) => c.technique).join(' and ')} need a representative sample (100–500 items) to calibrate: choose data first`,
          { option: 'calibration' },
        );
      const floatBytes = src.bytes.slice();
      const { modelId: _modelId, calibrationDatasetId, evaluationDatasetId, ...settings } = p;
      const calibration = spec(p.modelId, calibrationDatasetId);
      const params: CompareJobParams = {
        ...settings,
        floatBytes,
        calibration,
        evaluation: spec(p.modelId, evaluationDatasetId),
      };
      const { jobId } = host.jobs.start('optimize.compare', params, [floatBytes.buffer as ArrayBuffer]);
      const { candidates: _c, ...common } = settings;
      pending.set(jobId, {
        sessionId: p.modelId,
        stem: stemOf(src.handle.name),
        // Each run's own settings are the common ones with its technique and I/O (see finish).
        settings: {
          technique: p.candidates[0]!.technique,
          ...common,
          ...(calibration ? { calibration: calibration.name } : {}),
        },
      });
      candidatesOf.set(jobId, p.candidates);
      return { jobId };
    },
    cancelSession(sessionId) {
      for (const [jobId, job] of pending) if (job.sessionId === sessionId) host.jobs.cancel(jobId);
    },
    finish(f) {
      const job = pending.get(f.jobId);
      const candidates = candidatesOf.get(f.jobId);
      pending.delete(f.jobId);
      candidatesOf.delete(f.jobId);
      if ((f.kind !== 'optimize.run' && f.kind !== 'optimize.compare') || f.status !== 'succeeded') return f;
      if (!job) return unknownJob(f, 'a job');
      if (!sessionOpen(host.getModel, job.sessionId)) return closedSession(f, 'the run');
      const registered: string[] = [];
      try {
        if (f.kind === 'optimize.run') {
          const { bytes, ...rest } = f.result;
          const model = host.registerModel(
            host.runs.modelName(job.sessionId, job.stem, rest.technique),
            null,
            bytes,
          );
          registered.push(model.id);
          const run = host.runs.add(job.sessionId, { ...rest, model, settings: job.settings, origin: 'run' });
          const rows = rest.comparison.rows;
          const row = rows.find((r) => r.technique === rest.technique) ?? rows[rows.length - 1];
          const estimates =
            job.target && job.facts && row ? checkEstimates(rest.technique, job.target, job.facts, row) : [];
          const result: OptimizeResult = { ...rest, model, runId: run.id, estimates };
          return { ...f, result };
        }
        const raw = f.result;
        const runs = raw.models.map((m) => {
          const model = host.registerModel(
            host.runs.modelName(job.sessionId, job.stem, m.technique),
            null,
            m.bytes,
          );
          registered.push(model.id);
          return { m, model };
        });
        const result: CompareResult = {
          seconds: raw.seconds,
          runs: runs.map(({ m, model }) => {
            const io = candidates?.find((c) => c.technique === m.technique)?.io;
            return host.runs.add(job.sessionId, {
              technique: m.technique,
              model,
              comparison: raw.comparison,
              layers: null,
              warnings: m.warnings,
              fit: m.fit,
              edgetpu: m.edgetpu,
              seconds: raw.seconds,
              settings: { ...job.settings, technique: m.technique, ...(io ? { io } : {}) },
              origin: 'compare',
            });
          }),
        };
        return { ...f, result };
      } catch (e) {
        for (const id of registered) host.closeModel(id);
        return {
          jobId: f.jobId,
          kind: f.kind,
          status: 'failed',
          error: {
            code: 'INTERNAL',
            message: `the produced model does not read back: ${(e as Error).message}`,
          },
        };
      }
    },
  };
}
