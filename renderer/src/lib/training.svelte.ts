/**
 * The Training view's state (issue 15): the labelled data, the recipe and its settings, the
 * train.run job followed through jobs.progress (one `epoch` figure per epoch: the live chart) and
 * jobs.finished, Stop (jobs.stop: after the current batch, keeping the best model so far) and
 * Save (the wizard's save flow: the Save dialog in Electron, a download in the browser). Nothing
 * is written unless the user saves.
 */
import type {
  DatasetHandle,
  EpochStats,
  ErrorInfo,
  JobProgress,
  TrainJobResult,
  TrainingAdvice,
} from './contract';
import { TRAIN_DEFAULTS } from './contract';
import { api } from './api';
import { saveModel } from './download';
import { toErrorInfo } from './errors';

export type TrainStatus = 'idle' | 'starting' | 'running' | 'stopping' | 'succeeded' | 'failed' | 'cancelled';

/** The recipes offered in the picker (any other combination can be typed). */
export const RECIPES: { recipe: string; label: string }[] = [
  { recipe: 'qat', label: 'QAT int8 (accuracy)' },
  { recipe: 'prune:0.5,cluster:16,qat', label: 'Prune 50% + 16 clusters + QAT (size)' },
  { recipe: 'distill:0.5', label: 'Distill to half width (latency)' },
  { recipe: 'distill:0.5,qat', label: 'Distill to half width + QAT (int8 targets)' },
  { recipe: 'finetune', label: 'Fine-tune (float)' },
  { recipe: 'qat16x8', label: 'QAT 16x8' },
  { recipe: 'prune:0.5', label: 'Prune 50% (float)' },
  { recipe: 'prune:2:4', label: 'Prune 2:4 (float)' },
  { recipe: 'cluster:16', label: 'Cluster 16 (float)' },
];

class Training {
  modelId = $state<string | null>(null);
  /** The advisor's recipe advice that led here (the wizard), shown with its reasons. */
  advice = $state<TrainingAdvice | null>(null);
  recipe = $state<string>('qat');
  epochs = $state<number>(TRAIN_DEFAULTS.epochs);
  batchSize = $state<number>(TRAIN_DEFAULTS.batchSize);
  learningRate = $state<number>(TRAIN_DEFAULTS.learningRate);
  valSplit = $state<number>(TRAIN_DEFAULTS.valSplit);
  seed = $state<number>(TRAIN_DEFAULTS.seed);

  dataPath = $state('');
  split = $state<'' | 'train' | 'calibration' | 't10k'>('');
  data = $state<DatasetHandle | null>(null);
  dataBusy = $state(false);
  dataError = $state<ErrorInfo | null>(null);
  /** Scored after training (float vs trained): the wizard's labelled test set, when it has one. */
  evaluation = $state<DatasetHandle | null>(null);

  jobId = $state<string | null>(null);
  status = $state<TrainStatus>('idle');
  progress = $state<JobProgress | null>(null);
  points = $state<EpochStats[]>([]);
  result = $state<TrainJobResult | null>(null);
  error = $state<ErrorInfo | null>(null);
  saved = $state<string | null>(null);
  saveError = $state<ErrorInfo | null>(null);

  constructor() {
    api.on('jobs.progress', (p) => {
      if (p.jobId !== this.jobId || (this.status !== 'running' && this.status !== 'stopping')) return;
      this.progress = p;
      const e = p.epoch;
      if (e && !this.points.some((x) => x.epoch === e.epoch)) this.points = [...this.points, e];
    });
    api.on('jobs.finished', (f) => {
      if (f.jobId !== this.jobId) return;
      if (f.status === 'succeeded' && f.kind === 'train.run') {
        this.status = 'succeeded';
        this.result = f.result;
        // The result's figures are the engine's own list: the chart ends on exactly those.
        this.points = f.result.epochs;
      } else if (f.status !== 'succeeded') {
        this.status = f.status;
        this.error = f.error;
      }
    });
  }

  /** Opens the view for a model; `from` fills the data, the evaluation set and the advised recipe. */
  begin(
    modelId: string,
    from: {
      dataPath?: string;
      split?: Training['split'];
      evaluation?: DatasetHandle | null;
      advice?: TrainingAdvice | null;
    } = {},
  ): void {
    if (this.modelId !== modelId || this.status === 'idle' || this.isFinished) this.reset();
    this.modelId = modelId;
    if (from.advice) {
      this.advice = from.advice;
      this.recipe = from.advice.recipe;
    }
    if (from.dataPath !== undefined) this.dataPath = from.dataPath;
    if (from.split !== undefined) this.split = from.split;
    if (from.evaluation !== undefined) this.evaluation = from.evaluation;
  }

  private reset(): void {
    this.jobId = null;
    this.status = 'idle';
    this.progress = null;
    this.points = [];
    this.result = null;
    this.error = null;
    this.saved = null;
    this.saveError = null;
    this.data = null;
    this.dataError = null;
  }

  get isRunning(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'stopping';
  }

  get isFinished(): boolean {
    return this.status === 'succeeded' || this.status === 'failed' || this.status === 'cancelled';
  }

  /** Opens the labelled data for the model (validated in main: labels, classes, counts). */
  async openData(): Promise<void> {
    if (!this.modelId || !this.dataPath.trim()) return;
    this.dataBusy = true;
    this.dataError = null;
    this.data = null;
    try {
      const d = await api.datasets.open({
        modelId: this.modelId,
        path: this.dataPath.trim(),
        ...(this.split ? { split: this.split } : {}),
        labelled: true,
        // Without a split, an IDX folder's split as `lowbit train` picks it: train, calibration, t10k.
        purpose: 'training',
      });
      if (d && !d.labelled)
        this.dataError = {
          code: 'DATASET',
          message: `${d.path}: has no labels, and training needs one per sample`,
        };
      else {
        this.data = d;
        // The control shows the split main read (the default choice included).
        if (d?.split) this.split = d.split;
      }
    } catch (e) {
      this.dataError = toErrorInfo(e);
    } finally {
      this.dataBusy = false;
    }
  }

  async start(): Promise<void> {
    if (!this.modelId || !this.data || this.isRunning) return;
    this.jobId = null;
    this.status = 'starting';
    this.progress = null;
    this.points = [];
    this.result = null;
    this.error = null;
    this.saved = null;
    this.saveError = null;
    try {
      const { jobId } = await api.jobs.start({
        kind: 'train.run',
        params: {
          modelId: this.modelId,
          datasetId: this.data.id,
          recipe: this.recipe.trim(),
          epochs: this.epochs,
          batchSize: this.batchSize,
          learningRate: this.learningRate,
          valSplit: this.valSplit,
          seed: this.seed,
          ...(this.evaluation ? { evaluationDatasetId: this.evaluation.id } : {}),
        },
      });
      this.jobId = jobId;
      if (this.status === 'starting') this.status = 'running';
    } catch (e) {
      this.status = 'failed';
      this.error = toErrorInfo(e);
    }
  }

  /** Cancel: stops after the current batch; the best model so far is offered (nothing written). */
  async stop(): Promise<void> {
    if (!this.jobId || this.status !== 'running') return;
    this.status = 'stopping';
    try {
      await api.jobs.stop({ jobId: this.jobId });
    } catch {
      // Already finished: the finished event tells the real outcome.
    }
  }

  /** Electron: the Save dialog in main. Browser: the bytes as a download (never over the input). */
  async save(): Promise<void> {
    const r = this.result;
    if (!r) return;
    this.saveError = null;
    try {
      const saved = await saveModel(r.model);
      if (saved) this.saved = saved;
    } catch (e) {
      this.saveError = toErrorInfo(e);
    }
  }
}

export const training = new Training();
