/**
 * The guided wizard's state: what the user has (data), where it runs (target, board), what
 * matters (priority, limits), the advisor's plan, the optimize job and its result. One instance;
 * the step views read and write it, every call goes through `api` (the contract).
 */
import type {
  BoardInfo,
  CompareCandidate,
  CompareParams,
  ConversionReport,
  DatasetHandle,
  DatasetPreview,
  ErrorInfo,
  EstimateCheck,
  FitReport,
  JobFinished,
  JobProgress,
  OptimizeParams,
  OptimizeResult,
  OptimizeStep,
  PlanOption,
  RunRecord,
  WizardPlan,
} from './contract';
import { api } from './api';
import { saveModel } from './download';
import { toErrorInfo } from './errors';
import { confirm } from './confirm.svelte';
import { devices } from './devices.svelte';

/** The job the run step follows: one technique, or "compare all that apply". */
export type WizardJob =
  { kind: 'optimize.run'; params: OptimizeParams } | { kind: 'optimize.compare'; params: CompareParams };

export const STEPS = ['summary', 'data', 'target', 'priority', 'recommend', 'run', 'results'] as const;
export type Step = (typeof STEPS)[number];
export type DataKind = 'none' | 'unlabelled' | 'labelled';
export type TargetId = 'cpu' | 'gpu' | 'edgetpu' | 'mcu' | 'dsp';
export type PriorityId = 'size' | 'latency' | 'accuracy';

/** The first step of an option that Lowbit's optimize job can run, with its I/O type. */
export function runnableStep(
  o: PlanOption | null | undefined,
): (OptimizeStep & { io?: OptimizeParams['io'] }) | null {
  const s = o?.steps.find((x) => x.runsIn === 'lowbit' && x.optimize);
  if (!s?.optimize) return null;
  const io = s.params?.io;
  return { ...s.optimize, ...(io ? { io: io === 'float32' ? 'float' : io } : {}) };
}

class Wizard {
  step = $state<Step>('summary');
  modelId = $state<string | null>(null);
  /** The bundled demo's own datasets, when the wizard runs on the demo. */
  demo = $state<{ test: DatasetHandle; calibration: DatasetHandle } | null>(null);

  data = $state<DataKind>('none');
  datasetPath = $state('');
  split = $state<'' | 't10k' | 'calibration' | 'train'>('');
  preprocess = $state('');
  dataset = $state<DatasetHandle | null>(null);
  preview = $state<DatasetPreview | null>(null);
  datasetError = $state<ErrorInfo | null>(null);
  datasetBusy = $state(false);

  target = $state<TargetId>('cpu');
  boards = $state<BoardInfo[]>([]);
  board = $state('');
  /** Edge TPU target: the model's input/output type (int8 needs Edge TPU runtime 12 or newer). */
  edgetpuIo = $state<'uint8' | 'int8'>('uint8');
  priority = $state<PriorityId>('latency');
  retrain = $state(false);
  maxModelKB = $state<number | null>(null);
  maxRamKB = $state<number | null>(null);
  maxLossPts = $state<number | null>(null);

  /** How an ONNX model became the TFLite model the techniques start from (null for TFLite). */
  conversion = $state<ConversionReport | null>(null);
  plan = $state<WizardPlan | null>(null);
  planError = $state<ErrorInfo | null>(null);
  /** Which option runs: 'recommended' or the index of an alternative. */
  choice = $state<'recommended' | number>('recommended');
  /** The user chose to run an option that misses the target or their limits, to measure it anyway. */
  runAnyway = $state(false);
  /** The current model's fit on the board, for deploying it as it is (already int8). */
  asIsFit = $state<FitReport | null>(null);
  asIsFitError = $state<ErrorInfo | null>(null);

  jobId = $state<string | null>(null);
  jobStatus = $state<'idle' | 'starting' | 'running' | 'succeeded' | 'failed' | 'cancelled'>('idle');
  progress = $state<JobProgress | null>(null);
  startedAt = $state(0);
  stageStartedAt = $state(0);
  now = $state(0);
  jobError = $state<ErrorInfo | null>(null);
  /** Cancel was asked and the job has not ended yet. */
  cancelling = $state(false);
  /** The run the results step shows (and fits, exports, flashes): any run of the session. */
  result = $state<RunRecord | null>(null);
  /** Every run of this session (runs.list), oldest first. */
  runs = $state<RunRecord[]>([]);
  /** Per run started here: the advisor's estimates beside what the run measured (issue 17 item 4). */
  estimates = $state<Record<string, EstimateCheck[]>>({});
  runsError = $state<ErrorInfo | null>(null);
  keepFloat = $state<string[]>([]);
  lastParams = $state<OptimizeParams | null>(null);
  /** The job the run step shows (null before the first). */
  lastJob = $state<WizardJob | null>(null);
  saved = $state<string | null>(null);
  saveError = $state<ErrorInfo | null>(null);
  fit = $state<FitReport | null>(null);

  private early = new Map<string, JobFinished>();
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor() {
    api.on('jobs.progress', (p) => {
      if (p.jobId !== this.jobId || this.jobStatus !== 'running' || this.cancelling) return;
      if (p.stage !== this.progress?.stage) this.stageStartedAt = Date.now();
      this.progress = p;
    });
    api.on('jobs.finished', (f) => {
      if (f.jobId === this.jobId) void this.finish(f);
      else if (f.kind === 'optimize.run' || f.kind === 'optimize.compare') this.early.set(f.jobId, f);
    });
  }

  get index(): number {
    return STEPS.indexOf(this.step);
  }

  /** Starts the wizard on an open model (from the inspector or the demo). */
  begin(modelId: string, demo: Wizard['demo'] = null): void {
    this.reset();
    this.modelId = modelId;
    this.demo = demo;
    api.model
      .conversion({ modelId })
      .then((c) => {
        if (this.modelId === modelId) this.conversion = c;
      })
      .catch(() => undefined); // the model opened, so it converted: a failure here only hides the report
    if (demo) this.datasetPath = demo.test.path;
    this.step = 'summary';
  }

  reset(): void {
    this.step = 'summary';
    this.conversion = null;
    this.data = 'none';
    this.dataset = null;
    this.preview = null;
    this.datasetError = null;
    this.datasetPath = '';
    this.split = '';
    this.preprocess = '';
    this.target = 'cpu';
    this.edgetpuIo = 'uint8';
    this.board = '';
    this.priority = 'latency';
    this.retrain = false;
    this.maxModelKB = this.maxRamKB = this.maxLossPts = null;
    this.plan = null;
    this.planError = null;
    this.choice = 'recommended';
    this.clearRun();
    this.runs = [];
    this.runsError = null;
    this.lastJob = null;
    this.lastParams = null;
  }

  private clearRun(): void {
    this.jobId = null;
    this.jobStatus = 'idle';
    this.progress = null;
    this.jobError = null;
    this.cancelling = false;
    this.result = null;
    this.keepFloat = [];
    this.clearShown();
  }

  /** What was said about the shown run (saved, exported, flashed) must not outlive it. */
  private clearShown(): void {
    this.saved = null;
    this.saveError = null;
    devices.resetDeploy();
  }

  /** True when a job of this wizard is starting or running. */
  get busy(): boolean {
    return this.jobStatus === 'running' || this.jobStatus === 'starting';
  }

  /** Runs whose models were neither saved, downloaded nor written to a session file. */
  get unsavedRuns(): RunRecord[] {
    return this.runs.filter((r) => r.unsaved);
  }

  /** Reads the session's runs again (after a job, a save, a reopened session file). */
  async refreshRuns(): Promise<void> {
    const id = this.modelId;
    if (!id) return;
    try {
      const runs = await api.runs.list({ sessionId: id });
      if (this.modelId !== id) return;
      this.runs = runs;
      // The shown run's record is replaced by its fresh copy (its unsaved flag may have changed).
      if (this.result) this.result = runs.find((r) => r.id === this.result!.id) ?? this.result;
    } catch (e) {
      this.runsError = toErrorInfo(e);
    }
  }

  /** Shows one run of the session: its comparison, layers, fit; export, flash and save act on it. */
  select(runId: string): void {
    const r = this.runs.find((x) => x.id === runId);
    if (!r || r.id === this.result?.id) return;
    this.result = r;
    this.fit = r.fit;
    this.clearShown();
  }

  /** Shows one run on the results step (a reopened session file's, from any step). */
  show(runId: string): void {
    if (this.busy) return this.select(runId);
    this.select(runId);
    if (this.result?.id === runId) this.step = 'results';
  }

  /**
   * The techniques "compare all" runs: every option of the plan Lowbit can run on the chosen
   * target (the recommended one and the alternatives), each once with its I/O type; those that
   * calibrate only when there is a sample to calibrate with.
   */
  get compareCandidates(): CompareCandidate[] {
    if (!this.plan) return [];
    const out: CompareCandidate[] = [];
    const canCalibrate = this.dataset !== null || this.demo !== null;
    for (const o of [this.plan.recommended, ...this.plan.alternatives]) {
      if (!o?.deployable) continue;
      const r = runnableStep(o);
      if (!r || out.some((c) => c.technique === r.technique)) continue;
      if (r.needs === 'calibration-sample' && !canCalibrate) continue;
      const io = this.target === 'edgetpu' && r.technique === 'int8' ? this.edgetpuIo : r.io;
      out.push({ technique: r.technique, ...(io ? { io } : {}) });
    }
    return out;
  }

  /** Can the user move on from the current step? */
  get canNext(): boolean {
    switch (this.step) {
      case 'data':
        return this.data === 'none' || (this.dataset !== null && this.preview !== null && !this.datasetBusy);
      case 'target':
        return this.target !== 'mcu' || this.board !== '' || this.boards.length === 0;
      case 'recommend':
        if (this.deploysAsIs) return true;
        return this.runnable !== null && (!this.chosenMisses || this.runAnyway);
      case 'run':
        return this.jobStatus === 'succeeded';
      case 'results':
        return false;
      default:
        return true;
    }
  }

  next(): void {
    if (!this.canNext) return;
    if (this.step === 'recommend' && this.deploysAsIs) return void this.deployAsIs();
    if (this.step === 'recommend') return void this.run();
    const i = this.index;
    if (i < STEPS.length - 1) this.go(STEPS[i + 1]!);
  }

  back(): void {
    if (this.step === 'run' && (this.jobStatus === 'running' || this.jobStatus === 'starting')) return;
    const i = this.index;
    if (i > 0) this.go(STEPS[i - 1] === 'run' ? 'recommend' : STEPS[i - 1]!);
  }

  go(step: Step): void {
    this.step = step;
    if (step === 'target' && this.boards.length === 0)
      api.boards.list({}).then(
        (b) => (this.boards = b),
        () => undefined,
      );
    if (step === 'recommend') void this.recommend();
  }

  /** Opens the dataset the data step describes and previews a few samples. */
  async openDataset(usePicker = false): Promise<void> {
    if (!this.modelId) return;
    this.datasetBusy = true;
    this.datasetError = null;
    this.dataset = null;
    this.preview = null;
    try {
      const split = this.split || (this.data === 'unlabelled' ? 'calibration' : 't10k');
      const d = await api.datasets.open({
        modelId: this.modelId,
        ...(usePicker ? {} : { path: this.datasetPath.trim() }),
        ...(this.preprocess.trim() ? { preprocess: this.preprocess.trim() } : {}),
        split,
        labelled: this.data === 'labelled',
      });
      if (!d) return;
      this.datasetPath = d.path;
      this.dataset = d;
      this.preview = await api.datasets.preview({ datasetId: d.id, count: 8 });
    } catch (e) {
      this.datasetError = toErrorInfo(e);
      this.preview = null;
    } finally {
      this.datasetBusy = false;
    }
  }

  setData(kind: DataKind): void {
    if (kind === this.data) return;
    this.data = kind;
    this.dataset = null;
    this.preview = null;
    this.datasetError = null;
  }

  async recommend(): Promise<void> {
    this.plan = null;
    this.planError = null;
    this.choice = 'recommended';
    this.runAnyway = false;
    const limits = {
      ...(this.maxModelKB ? { maxModelBytes: Math.round(this.maxModelKB * 1024) } : {}),
      ...(this.maxRamKB ? { maxRamBytes: Math.round(this.maxRamKB * 1024) } : {}),
      ...(this.maxLossPts !== null && this.maxLossPts >= 0 ? { maxAccuracyLossPoints: this.maxLossPts } : {}),
    };
    try {
      this.plan = await api.advisor.recommend({
        ...(this.modelId ? { modelId: this.modelId } : {}),
        data: this.data,
        ...(this.dataset ? { samples: this.dataset.count } : {}),
        retrain: this.retrain,
        target: this.target,
        priority: this.priority,
        ...(Object.keys(limits).length ? { limits } : {}),
        ...(this.target === 'mcu' && this.board ? { board: this.board } : {}),
      });
    } catch (e) {
      this.planError = toErrorInfo(e);
    }
  }

  get chosenOption(): PlanOption | null {
    if (!this.plan) return null;
    return this.choice === 'recommended'
      ? this.plan.recommended
      : (this.plan.alternatives[this.choice] ?? null);
  }

  /**
   * True when the chosen option cannot run on the target or misses a limit (flash, RAM, size,
   * accuracy): it is not a recommendation, so Run waits for the user's explicit "run anyway".
   */
  get chosenMisses(): boolean {
    const o = this.chosenOption;
    if (!o || !this.plan) return false;
    if (!o.deployable || o.fit.some((f) => !f.fits)) return true;
    return this.choice === 'recommended' && this.plan.standing !== 'recommended';
  }

  /** Nothing to run, and the model runs on the microcontroller as it is: fit, export and flash it directly. */
  get deploysAsIs(): boolean {
    return !!this.plan && this.plan.standing === 'nothing' && !!this.plan.runsAsIs && this.target === 'mcu';
  }

  /** Goes to the deploy step for the model as it is, with its fit on the chosen board. */
  async deployAsIs(): Promise<void> {
    if (!this.modelId) return;
    this.clearRun();
    this.asIsFit = null;
    this.asIsFitError = null;
    this.step = 'results';
    try {
      this.asIsFit = await api.deploy.fit({
        modelId: this.modelId,
        ...(this.board ? { board: this.board } : {}),
      });
    } catch (e) {
      this.asIsFitError = toErrorInfo(e);
    }
  }

  get runnable(): ReturnType<typeof runnableStep> {
    return runnableStep(this.chosenOption);
  }

  /** The data the comparison runs on: labelled data first, else the demo's test set, else the sample. */
  private evaluationDataset(): DatasetHandle | null {
    if (this.dataset?.labelled) return this.dataset;
    if (this.demo) return this.demo.test;
    return this.dataset;
  }

  /** "Compare all that apply": the candidates in one job, one run each. */
  async compareAll(): Promise<void> {
    const candidates = this.compareCandidates;
    if (!this.modelId || candidates.length === 0 || this.busy) return;
    const calibration = this.dataset ?? this.demo?.calibration ?? null;
    const evaluation = this.evaluationDataset();
    const edgetpu = this.target === 'edgetpu' && candidates.some((c) => c.technique === 'int8');
    await this.start({
      kind: 'optimize.compare',
      params: {
        modelId: this.modelId,
        candidates,
        ...(calibration ? { calibrationDatasetId: calibration.id } : {}),
        ...(evaluation ? { evaluationDatasetId: evaluation.id } : {}),
        ...(this.target === 'mcu' && this.board ? { board: this.board } : {}),
        ...(edgetpu ? { edgetpu: true } : {}),
      },
    });
  }

  async run(keepFloat: string[] = []): Promise<void> {
    const r = this.runnable;
    if (!r || !this.modelId) return;
    const calibrating = r.needs === 'calibration-sample';
    const calibration = this.dataset ?? (calibrating ? (this.demo?.calibration ?? null) : null);
    const evaluation = this.evaluationDataset();
    const params: OptimizeParams = {
      modelId: this.modelId,
      technique: r.technique,
      ...(r.io ? { io: r.io } : {}),
      // The Edge TPU: full int8 with the chosen I/O, and the check on the result.
      ...(this.target === 'edgetpu' && r.technique === 'int8' ? { io: this.edgetpuIo, edgetpu: true } : {}),
      ...(calibrating && calibration ? { calibrationDatasetId: calibration.id } : {}),
      ...(evaluation ? { evaluationDatasetId: evaluation.id } : {}),
      ...(keepFloat.length ? { keepFloat } : {}),
      ...(this.target === 'mcu' && this.board ? { board: this.board } : {}),
      target: this.target,
    };
    await this.start({ kind: 'optimize.run', params });
  }

  /** Runs the last job again (after a cancel or a failure). */
  async again(): Promise<void> {
    if (this.lastJob) await this.start(this.lastJob);
  }

  /**
   * Runs the shown run again with one more layer kept in float; both runs are kept. On a
   * microcontroller (or any integer-only I/O) this drops the integer-only requirement, so the
   * user is asked first.
   */
  async keepLayerFloat(tensorName: string): Promise<void> {
    const shown = this.result;
    if (!shown || !this.modelId) return;
    const { calibration: _name, ...settings } = shown.settings;
    const integerOnly = this.target === 'mcu' || (settings.io !== undefined && settings.io !== 'float');
    if (integerOnly) {
      const ok = await confirm.ask({
        title: 'Drop the integer-only requirement?',
        message: [
          `Keeping ${tensorName} in float puts float operators back into ${shown.model.name}: it is no longer integer-only. ${
            this.target === 'mcu'
              ? 'On a microcontroller that means float kernels (slow without an FPU), a larger tensor arena and more flash.'
              : 'Integer-only accelerators will not run those operators.'
          }`,
          `${shown.label} is kept: both runs are listed side by side when the new one finishes, and you can pick either to fit, export or flash.`,
        ],
        confirm: 'Keep in float and run again',
      });
      if (!ok) return;
    }
    const rule = `tensor:^${tensorName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    const calibration = this.dataset ?? this.demo?.calibration ?? null;
    const evaluation = this.evaluationDataset();
    await this.start({
      kind: 'optimize.run',
      params: {
        ...settings,
        modelId: this.modelId,
        keepFloat: [...(settings.keepFloat ?? []), rule],
        ...(calibration ? { calibrationDatasetId: calibration.id } : {}),
        ...(evaluation ? { evaluationDatasetId: evaluation.id } : {}),
      },
    });
  }

  private async start(job: WizardJob): Promise<void> {
    this.clearRun();
    this.lastJob = job;
    if (job.kind === 'optimize.run') {
      this.keepFloat = job.params.keepFloat ?? [];
      this.lastParams = job.params;
    }
    this.step = 'run';
    this.jobStatus = 'starting';
    this.startedAt = this.stageStartedAt = this.now = Date.now();
    this.ticker ??= setInterval(() => (this.now = Date.now()), 250);
    try {
      const { jobId } = await api.jobs.start(job);
      this.jobId = jobId;
      this.jobStatus = 'running';
      const f = this.early.get(jobId);
      if (f) void this.finish(f);
    } catch (e) {
      this.jobStatus = 'failed';
      this.jobError = toErrorInfo(e);
      this.stopTicker();
    }
  }

  private async finish(f: JobFinished): Promise<void> {
    this.early.delete(f.jobId);
    this.stopTicker();
    this.now = Date.now();
    if (f.status === 'succeeded') {
      // Every run is kept in the session: read them, then show the new one (compare: the first).
      const shown =
        f.kind === 'optimize.run'
          ? (f.result as OptimizeResult).runId
          : f.kind === 'optimize.compare'
            ? f.result.runs[0]?.id
            : undefined;
      if (f.kind === 'optimize.run') {
        const done = f.result as OptimizeResult;
        this.estimates = { ...this.estimates, [done.runId]: done.estimates };
      }
      await this.refreshRuns();
      if (f.jobId !== this.jobId) return; // another job started meanwhile
      this.result = this.runs.find((r) => r.id === shown) ?? null;
      this.fit = this.result?.fit ?? null;
      this.jobStatus = 'succeeded';
      this.progress = null;
      this.step = 'results';
    } else {
      this.jobStatus = f.status;
      this.jobError = f.error;
      this.progress = null; // no stage is running any more: the run step says how it ended
    }
    this.cancelling = false;
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  async cancel(): Promise<void> {
    if (!this.jobId || this.jobStatus !== 'running') return;
    this.cancelling = true; // the stage it was in is over, whatever the worker says next
    try {
      await api.jobs.cancel({ jobId: this.jobId });
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
      void this.refreshRuns();
    } catch (e) {
      this.saveError = toErrorInfo(e);
    }
  }
}

export const wizard = new Wizard();
