/**
 * Contract shapes of a session's runs (issue 17 item 8): every optimization run of an open model
 * is kept, with an id, until the model is closed; "compare all" runs several techniques in one
 * job; a session's runs are saved to and reopened from a JSON file; the report over the runs is
 * written by the CLI's own writers (main/engine/evaluate/report.ts). Type-only like types.ts.
 */
import type { ModelHandle } from './model-handle';
import type { ComparisonRowInfo, OptimizeParams, OptimizeResult, OptimizeTechnique } from './wizard';

/** What a run was asked to do (the optimize parameters without the handles' ids). */
export type RunSettings = Omit<OptimizeParams, 'modelId' | 'calibrationDatasetId' | 'evaluationDatasetId'> & {
  /** The datasets' display names, as the comparison names them. */
  calibration?: string;
};

/**
 * One run of a session: an optimize.run job, one technique of an optimize.compare job, or a run
 * reopened from a session file. The optimize result's fields, plus its identity and settings.
 */
export interface RunRecord extends Omit<OptimizeResult, 'runId' | 'estimates'> {
  /** Stable within the session (a session file keeps them). */
  id: string;
  /** The open model the run started from: the session. */
  sessionId: string;
  /** 1, 2, 3… in the order the runs finished (reopened runs continue the count). */
  seq: number;
  /** "#2 int8, 1 layer in float": how the run is named in tables, charts and reports. */
  label: string;
  settings: RunSettings;
  /** ISO time the run finished. */
  createdAt: string;
  /** The technique's row of `comparison` (the other rows are the float model it was measured against). */
  row: ComparisonRowInfo;
  /** The float model's row measured in the same job (size ratio and speed-up are against it). */
  baseline: ComparisonRowInfo;
  /** 'run' (one technique), 'compare' (one of a compare-all job), 'file' (reopened from a session file). */
  origin: 'run' | 'compare' | 'file';
  /** Whether the produced model is unsaved (never saved, downloaded or written to a session file). */
  unsaved: boolean;
  model: ModelHandle;
}

/** One technique of a compare-all job and its I/O type (full integer techniques take one). */
export interface CompareCandidate {
  technique: OptimizeTechnique;
  io?: OptimizeParams['io'];
}

/**
 * "Compare all that apply": the candidate techniques, each quantized, evaluated against the float
 * model on the same data in one job (engine/evaluate/compare.ts, compareTechniques).
 */
export interface CompareParams {
  modelId: string;
  candidates: CompareCandidate[];
  calibrationDatasetId?: string;
  calibrationSamples?: number;
  evaluationDatasetId?: string;
  evaluationSamples?: number;
  calibrationMethod?: OptimizeParams['calibrationMethod'];
  board?: string;
  edgetpu?: boolean;
  workers?: number;
}

/** The compare job's result: one run per candidate, in the order given. */
export interface CompareResult {
  runs: RunRecord[];
  seconds: number;
}

/** What runs.export writes: the report in the CLI's formats, or the session file. */
export type RunsExportFormat = 'html' | 'markdown' | 'json' | 'session';

export interface RunsExport {
  /** A file name to offer (report.html, report.md, report.json, <model>.lowbit-session.json). */
  name: string;
  text: string;
  /** Electron with `save`: where it was written (null when the dialog was cancelled). */
  saved: string | null;
}
