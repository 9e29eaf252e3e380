/**
 * Lowbit's IPC contract: every service call and event between the UI and the main process.
 *
 * This file is the documentation. It has no runtime dependencies, so main, preload, the
 * renderer and the browser-mode host all import it; argument schemas (zod) live beside it in
 * schemas.ts and are used only by main to validate every argument it receives. Shapes the engine
 * already defines (the inspect report, the format ids) are re-exported as types, never copied.
 *
 * Transport: channel names are `lowbit:<service>.<method>`; a call resolves with its result or
 * rejects with `{code, message}` (an ApiError); events are pushed on `lowbit:event`.
 */

import type {
  BoardInfo,
  DatasetHandle,
  DatasetPreview,
  DemoHandles,
  FitReport,
  OptimizeParams,
  OptimizeResult,
  RecommendArgs,
  WizardPlan,
} from './wizard';
import type {
  CoralFirmwareOutcome,
  DeviceList,
  ExportFile,
  FlashOutcome,
  FlashParams,
  ModelExportFormatId,
} from './devices';
import type { CompareParams, CompareResult, RunRecord, RunsExport, RunsExportFormat } from './runs';
import type { ModelHandle } from './model-handle';
import type { EpochStats, TrainJobResult, TrainParams } from './train';
import type { GraphImageKind, GraphLayout, TensorValues } from './graph';
import type { InspectReport } from '../engine/model/inspect-report';
import type { ConversionReport } from '../engine/convert/report';
import type { ModelAnalysis } from '../engine/analysis/analyze';

/** The analysis report is the engine's own (main/engine/analysis/analyze.ts). */
export type {
  AnalysisMemory,
  AnalysisTotals,
  LayerAnalysis,
  ModelAnalysis,
} from '../engine/analysis/analyze';

/** The ONNX → TFLite conversion report is the converter's own (main/engine/convert/report.ts). */
export type { ConversionReport, NodeConversion } from '../engine/convert/report';
import type { EdgeTpuCheckReport } from '../engine/targets/edgetpu/check';

/** The Edge TPU check is the engine's own (main/engine/targets/edgetpu/check.ts). */
export type { EdgeTpuCheckReport, EdgeTpuOpRow } from '../engine/targets/edgetpu/check';
export type { EdgeTpuCompiledReport } from '../engine/tflite/edgetpu/compiled';
import type { EdgeTpuCompiledReport } from '../engine/tflite/edgetpu/compiled';
import type { EdgeTpuCompilerResult } from '../engine/targets/edgetpu/compiler-log';
import type { PredictionVsCompiler } from '../engine/targets/edgetpu/prediction-vs-compiler';
/** What edgetpu_compiler printed, parsed (engine/targets/edgetpu/compiler-log.ts). */
export type { EdgeTpuCompilerResult } from '../engine/targets/edgetpu/compiler-log';
/** The prediction next to the compiler's result (engine/targets/edgetpu/prediction-vs-compiler.ts). */
export type {
  OpTypeComparison,
  PredictionVsCompiler,
} from '../engine/targets/edgetpu/prediction-vs-compiler';

/** Whether Coral's edgetpu_compiler is on this machine, and how to get it when it is not. */
export interface EdgeTpuCompilerStatus {
  path: string | null;
  /** Empty when found; otherwise where to get it (x86-64 Debian/Ubuntu package, Docker elsewhere). */
  howTo: string;
}

/** Runs the user's edgetpu_compiler on an open model (job `edgetpu.compile`). */
export interface EdgeTpuCompileParams {
  modelId: string;
  /** -m: the oldest Edge TPU runtime the compiled model must run on (10 or more); absent: the compiler's default. */
  minRuntime?: number;
  /** -s: the compiler prints its operator table on stdout too (default true; its .log has it anyway). */
  showOperations?: boolean;
  /** Stop the compiler after this many seconds (1–3600, default 180). */
  timeoutSec?: number;
}

/**
 * A compiler run that ended on its own. The compiler may still have refused the model (a
 * non-zero exit, "Compilation failed!"): then `result.compiled` is false, `result.failure` holds
 * its words and `model` is null.
 */
export interface EdgeTpuCompileOutcome {
  /** The compiler that ran (its path). */
  compiler: string;
  /** The options it was given (-s, -m N); Lowbit adds -o and the model, both in its own temp folder. */
  flags: string[];
  exitCode: number | null;
  /** What it printed (stdout and stderr, at most 1 MiB) and its .log. */
  stdout: string;
  log: string;
  result: EdgeTpuCompilerResult;
  /** Lowbit's check of the same model, and the two side by side per op type and in total. */
  prediction: EdgeTpuCheckReport;
  comparison: PredictionVsCompiler;
  /** The compiled model's Edge TPU op (compiler version, minimum runtime, parameters, CPU ops). */
  compiled: EdgeTpuCompiledReport | null;
  /**
   * The compiled model, registered like a produced model (inspect, model.save, model.bytes):
   * nothing is written where the user did not choose; the compiler's folder is removed.
   */
  model: ModelHandle | null;
}

/** The inspector's report is the engine's own (main/engine/model/inspect-report.ts). */
export type {
  InspectReport,
  OnnxDetails,
  OnnxQuantNode,
  OnnxQuantOperand,
  OperatorInfo,
  OperatorOptionValue,
  QuantizationInfo,
  SizeBreakdown,
  SubgraphInfo,
  TensorInfo,
} from '../engine/model/inspect-report';
export type { ModelFormatId } from '../engine/model/format-id';

/** An open model (its own file, so wizard.ts can use it without importing this one). */
export type { ModelHandle } from './model-handle';

/** The Devices view's and deploy shapes live in devices.ts. */
export type * from './devices';

/** The wizard's shapes (datasets, advisor, optimization results, deploy fit) live in wizard.ts. */
export type * from './wizard';

/** The graph view's shapes live in graph.ts. */
export type * from './graph';
/** A session's runs (kept, compared, saved, reopened, reported) live in runs.ts. */
export type * from './runs';
/** Training in the app (issue 15) lives in train.ts. */
export type * from './train';

export const CHANNEL_PREFIX = 'lowbit:';
export const EVENT_CHANNEL = 'lowbit:event';

// ---------------------------------------------------------------- shared shapes

export interface ErrorInfo {
  /** Stable code from main/engine/errors.ts (MODEL_FORMAT, UNSUPPORTED_OP, CANCELLED, ...). */
  code: string;
  message: string;
}

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' for the desktop app, 'browser' for `lowbit serve`. */
  mode: 'electron' | 'browser';
  platform: string;
  versions: Record<string, string>;
}

export interface RecentModel {
  path: string;
  name: string;
  openedAt: string;
}

// ---------------------------------------------------------------- jobs

/** Kinds of long-running engine jobs; each runs in a worker thread with progress and cancel. */
export type JobKind =
  | 'model.verify'
  | 'optimize.run'
  | 'optimize.compare'
  | 'deploy.flash'
  | 'devices.coralFirmware'
  | 'edgetpu.compile'
  | 'train.run';

export interface JobParams {
  'model.verify': { modelId: string };
  'optimize.run': OptimizeParams;
  /** "Compare all that apply": several techniques in one job, one run each. */
  'optimize.compare': CompareParams;
  'deploy.flash': FlashParams;
  /** Loads the Coral USB Accelerator's bundled firmware by DFU and waits for 18d1:9302. */
  'devices.coralFirmware': { timeoutSec?: number };
  /** Runs the user's edgetpu_compiler (never bundled) on an open model; progress: its output lines. */
  'edgetpu.compile': EdgeTpuCompileParams;
  /** Fine-tunes an open float model on labelled data (recipes: QAT, pruning, clustering, distillation). */
  'train.run': TrainParams;
}

export interface JobResults {
  'model.verify': { identical: boolean; inputBytes: number; rewrittenBytes: number; seconds: number };
  'optimize.run': OptimizeResult;
  'optimize.compare': CompareResult;
  'deploy.flash': FlashOutcome;
  'devices.coralFirmware': CoralFirmwareOutcome;
  'edgetpu.compile': EdgeTpuCompileOutcome;
  'train.run': TrainJobResult;
}

export interface JobProgress {
  jobId: string;
  /** What is being done, e.g. "calibrating". */
  stage: string;
  done: number;
  total: number;
  /** train.run: the epoch that has just ended (one event per epoch), for the live chart. */
  epoch?: EpochStats;
}

/** How a job ended: on success, the result its kind promises (JobResults). */
export type JobFinished =
  | { [K in JobKind]: { jobId: string; kind: K; status: 'succeeded'; result: JobResults[K] } }[JobKind]
  | { jobId: string; kind: JobKind; status: 'failed' | 'cancelled'; error: ErrorInfo };

// ---------------------------------------------------------------- methods

/** Every call: name -> [argument, result]. Arguments are always one object. */
export interface Methods {
  'app.info': [Record<string, never>, AppInfo];
  /**
   * Opens a model file. A path must be one the user chose (main/services/grants.ts: a dialog
   * pick, a drop, the recent list, or under `lowbit serve --allow`); anything else is refused the
   * same whether it exists or not. With no path, main shows a file dialog (Electron) and may
   * resolve null.
   */
  'model.open': [{ path?: string }, ModelHandle | null];
  /** Opens a model from bytes (browser-mode file input, drag and drop in the browser). */
  'model.load': [{ name: string; bytes: Uint8Array }, ModelHandle];
  'model.inspect': [{ modelId: string }, InspectReport];
  /**
   * The analysis report of an open model (the same JSON as `lowbit inspect --analyze --json`'s
   * "analysis"): per operator MACs, parameters, bytes and live activation memory; the peak is
   * the arena `deploy.fit` budgets. ONNX: the TFLite operators Lowbit runs for it.
   */
  'model.analyze': [{ modelId: string }, ModelAnalysis];
  'model.close': [{ modelId: string }, void];
  /** How an open non-TFLite model (ONNX) was converted to TFLite, node by node; null for TFLite. */
  'model.conversion': [{ modelId: string }, ConversionReport | null];
  'model.recent': [Record<string, never>, RecentModel[]];
  'jobs.start': [{ [K in JobKind]: { kind: K; params: JobParams[K] } }[JobKind], { jobId: string }];
  'jobs.cancel': [{ jobId: string }, void];
  /**
   * Ends a job that can stop early with what it has (train.run: after the current batch, the best
   * model so far), unlike jobs.cancel, which discards the job's work. Other kinds: INVALID_ARGUMENT.
   */
  'jobs.stop': [{ jobId: string }, void];
  /** Opens the bundled demo: the float Fashion-MNIST CNN, its labelled test set and calibration sample. */
  'demo.open': [Record<string, never>, DemoHandles];
  /**
   * Opens a dataset for one open model's input, validated up front (DATASET error naming the
   * file, never quoting its text). A path must be granted, as for model.open. Without a path, main shows a folder/file dialog (Electron) and may resolve null.
   * `labelled: false` ignores any labels (an unlabelled representative sample).
   * An IDX folder without `split` is read from its t10k split, or with `purpose: 'training'` from
   * the split `lowbit train` reads (train, else calibration, else t10k); the handle names the split.
   */
  'datasets.open': [
    {
      modelId: string;
      path?: string;
      preprocess?: string;
      split?: DatasetHandle['split'];
      labelled?: boolean;
      purpose?: 'training';
    },
    DatasetHandle | null,
  ];
  /** A few decoded samples for display and the dataset's description. */
  'datasets.preview': [{ datasetId: string; count: number }, DatasetPreview];
  'datasets.close': [{ datasetId: string }, void];
  /** The technique advisor (main/engine/advisor) on the open model's facts. */
  'advisor.recommend': [RecommendArgs, WizardPlan];
  'boards.list': [Record<string, never>, BoardInfo[]];
  /** Flash/RAM footprint of an open model, and its fit on one board (or every board). */
  'deploy.fit': [{ modelId: string; board?: string }, FitReport];
  /**
   * Writes an open model to disk atomically. Without a path main shows the Save dialog
   * (Electron; null when cancelled). A path must be a Save-dialog pick (replaced only with
   * `overwrite`) or a new model file under a `lowbit serve --allow` folder (never replaced).
   * Refuses the path of any open model's source file.
   */
  'model.save': [{ modelId: string; path?: string; overwrite?: boolean }, { path: string } | null];
  /** The model's bytes (browser mode offers them as a download). */
  'model.bytes': [{ modelId: string }, Uint8Array];
  /** Serial ports and USB devices with a board guess; changes arrive as `devices.changed`. */
  'devices.list': [Record<string, never>, DeviceList];
  /**
   * Deployment files for an open model: tflm (C array + op resolver + arena size), arduino
   * (library zip) or container (the model with Lowbit's flash header). With `save` (Electron),
   * main asks where to save each file and returns the paths instead of bytes.
   */
  'deploy.export': [
    { modelId: string; format: ModelExportFormatId; save?: boolean },
    { files: ExportFile[]; saved: string[] },
  ];
  /** What edgetpu_compiler would map, per op, predicted without it (the Edge TPU panel). */
  'edgetpu.check': [{ modelId: string }, EdgeTpuCheckReport];
  /** Is edgetpu_compiler installed (PATH or $LOWBIT_EDGETPU_COMPILER)? Never bundled. */
  'edgetpu.compiler': [Record<string, never>, EdgeTpuCompilerStatus];
  /** One subgraph's operator graph laid out in main (dagre): boxes, routed edges, shape labels. */
  'graph.layout': [{ modelId: string; subgraph: number }, GraphLayout];
  /** A tensor's values binned in main (constants; dequantized when quantized), or why there are none. */
  'graph.tensor': [{ modelId: string; subgraph: number; tensor: number; bins?: number }, TensorValues];
  /**
   * Writes the graph drawing (SVG text or PNG bytes, made by the renderer) atomically. Without a
   * path main shows the Save dialog (Electron; null when cancelled); a path must be a new .svg/.png
   * file under a `lowbit serve --allow` folder. Never over an open model's file.
   */
  'graph.export': [
    { modelId: string; kind: GraphImageKind; bytes: Uint8Array; path?: string },
    { path: string } | null,
  ];
  /** Every run of a session (the open model the runs started from), oldest first. */
  'runs.list': [{ sessionId: string }, RunRecord[]];
  /**
   * The report over the session's runs (all, or `runIds` in that order) in the CLI's formats
   * (the writers of `lowbit evaluate --report`), or the session file (`session`: the runs with
   * their models, to reopen later). With `save` (Electron) main shows the Save dialog and writes
   * the file atomically; otherwise the text comes back for the page to download.
   */
  'runs.export': [
    { sessionId: string; format: RunsExportFormat; runIds?: string[]; save?: boolean },
    RunsExport,
  ];
  /**
   * Reopens a session file's runs into an open model's session: the file's text is untrusted
   * (size, shape, every number and string checked; each model read back with the bounds-checked
   * reader; refused when it was saved for another model). Returns the runs added.
   */
  'runs.open': [{ sessionId: string; text: string }, RunRecord[]];
}

export type Method = keyof Methods;
export type ArgsOf<M extends Method> = Methods[M][0];
export type ResultOf<M extends Method> = Methods[M][1];

/** The method names, at runtime, for the preload and the bridges to build their API from. */
export const METHODS = [
  'app.info',
  'model.open',
  'model.load',
  'model.inspect',
  'model.analyze',
  'model.close',
  'model.conversion',
  'model.recent',
  'jobs.start',
  'jobs.cancel',
  'jobs.stop',
  'demo.open',
  'datasets.open',
  'datasets.preview',
  'datasets.close',
  'advisor.recommend',
  'boards.list',
  'deploy.fit',
  'model.save',
  'model.bytes',
  'devices.list',
  'deploy.export',
  'edgetpu.check',
  'edgetpu.compiler',
  'graph.layout',
  'graph.tensor',
  'graph.export',
  'runs.list',
  'runs.export',
  'runs.open',
] as const satisfies readonly Method[];

// ---------------------------------------------------------------- events

export interface Events {
  'jobs.progress': JobProgress;
  'jobs.finished': JobFinished;
  /** Main opened a model on its own (File menu, Open Recent, drag and drop onto the window). */
  'model.opened': ModelHandle;
  /** A main-side error the UI should show (e.g. a dropped file that is not a model). */
  'app.error': ErrorInfo;
  /** The device list changed (plug / unplug); sent while anyone listens to devices. */
  'devices.changed': DeviceList;
}

export type EventName = keyof Events;

export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
}

// ---------------------------------------------------------------- the API object

type Split<S extends string> = S extends `${infer A}.${infer B}` ? [A, B] : never;
type ServiceNames = Split<Method>[0];
type MethodsOf<S extends string> = {
  [M in Method as Split<M>[0] extends S ? Split<M>[1] : never]: (args: ArgsOf<M>) => Promise<ResultOf<M>>;
};

/**
 * `window.lowbit`, as exposed by the preload (Electron) or the WebSocket bridge (browser mode):
 * one async function per method, grouped by service, plus `on` for events.
 */
export type LowbitApi = { [S in ServiceNames]: MethodsOf<S> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** Wire envelope for a call's outcome; the bridges turn `ok: false` into a thrown ApiError. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export class ApiError extends Error {
  readonly code: string;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.code = info.code;
    this.name = 'ApiError';
  }
}

/** Builds the grouped API object from a generic `call`. Used by the preload and the WS bridge. */
export function buildApi(
  call: (method: Method, args: unknown) => Promise<unknown>,
  on: LowbitApi['on'],
): LowbitApi {
  const api: Record<string, Record<string, (args: unknown) => Promise<unknown>>> = {};
  for (const m of METHODS) {
    const [service, name] = m.split('.') as [string, string];
    (api[service] ??= {})[name] = (args: unknown) => call(m, args ?? {});
  }
  return Object.assign(api, { on }) as unknown as LowbitApi;
}
