/**
 * A session's runs (issue 17 item 8). A session is an open model: every optimization run started
 * from it (optimize.run, each technique of optimize.compare, runs reopened from a session file)
 * is kept here under an id until the model is closed, when its runs' models are closed too.
 *
 * The report over the runs is written by the CLI's own writers (engine/evaluate/report.ts: the
 * files of `lowbit evaluate --report`), from one ComparisonReport whose rows are the runs. Each
 * run was measured against the float model in its own job, so its ratio and speed-up are against
 * that measurement; the first run's float row heads the table.
 */
import { randomUUID } from 'node:crypto';
import type {
  ArgsOf,
  ComparisonRowInfo,
  FitReport,
  ModelHandle,
  OptimizeResult,
  ResultOf,
  RunRecord,
  RunSettings,
  RunsExportFormat,
} from '../contract/types';
import { InvalidArgumentError } from '../engine/errors';
import { fitReport } from '../engine/deploy/fit-report';
import { boardById } from '../engine/deploy/boards';
import {
  toHtml,
  toJson,
  toMarkdown,
  type ComparisonReport,
  type ComparisonRow,
} from '../engine/evaluate/report';
import { checkEdgeTpu } from '../engine/targets/edgetpu/check';
import type { TflModel } from '../engine/tflite/model';
import {
  parseSessionFile,
  serializeSessionFile,
  sha256,
  SESSION_FORMAT,
  SESSION_VERSION,
  type SessionRun,
} from './session-file';

export interface RunsHost {
  getModel(id: string): { handle: ModelHandle; model: TflModel; bytes: Uint8Array };
  registerModel(name: string, file: string | null, bytes: Uint8Array): ModelHandle;
  closeModel(id: string): void;
  /** Electron: the Save dialog (default name); null when cancelled. */
  showSaveDialog?: (defaultName: string) => Promise<string | null>;
  /** Writes a file the user picked, atomically (never over an open model's source). */
  saveFile(file: string, bytes: Uint8Array): void;
}

type RunsMethod = 'runs.list' | 'runs.export' | 'runs.open';
type RunsImpl = { [M in RunsMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

/** What a finished job hands over to be kept as a run. */
export type NewRun = Omit<OptimizeResult, 'runId' | 'estimates'> & {
  settings: RunSettings;
  origin: RunRecord['origin'];
  createdAt?: string;
  id?: string;
};

const REPORT_FILES: Record<Exclude<RunsExportFormat, 'session'>, string> = {
  html: 'report.html',
  markdown: 'report.md',
  json: 'report.json',
};

/** "#2 int8 (int8 I/O), 1 layer in float": the settings in words, the same for a reopened run. */
export function runLabel(seq: number, s: RunSettings): string {
  const io = s.io && s.io !== 'float' ? ` (${s.io} I/O)` : '';
  const n = s.keepFloat?.length ?? 0;
  const keep = n ? `, ${n} layer${n === 1 ? '' : 's'} in float` : '';
  return `#${seq} ${s.technique}${io}${keep}`;
}

export interface Runs {
  impl: RunsImpl;
  /** Keeps a finished run in its session; returns the record (with its id). */
  add(sessionId: string, run: NewRun): RunRecord;
  /** A model of a run was saved or downloaded: the run is no longer unsaved. */
  markSaved(modelId: string): void;
  /** The session's model was closed: its runs go, and their models are closed. */
  dropSession(sessionId: string): void;
  /** A name for a run's model, unique in the session: stem_technique.tflite, then _2, _3… */
  modelName(sessionId: string, stem: string, technique: string): string;
}

export function createRuns(host: RunsHost): Runs {
  const sessions = new Map<string, { runs: RunRecord[]; seq: number; names: Set<string> }>();
  const sessionOf = (id: string) => {
    let s = sessions.get(id);
    if (!s) sessions.set(id, (s = { runs: [], seq: 0, names: new Set() }));
    return s;
  };
  /** `name`, or name_2.tflite, name_3.tflite… when a model of the session already has it. */
  const unique = (sessionId: string, name: string): string => {
    const { names } = sessionOf(sessionId);
    let n = name;
    for (let k = 2; names.has(n); k++) n = name.replace(/(\.tflite)?$/, `_${k}.tflite`);
    names.add(n);
    return n;
  };
  const listOf = (sessionId: string): RunRecord[] => {
    host.getModel(sessionId); // an unknown or closed model is INVALID_ARGUMENT
    return sessions.get(sessionId)?.runs ?? [];
  };

  const add = (sessionId: string, r: NewRun): RunRecord => {
    const s = sessionOf(sessionId);
    const seq = ++s.seq;
    const row = r.comparison.rows.find((x) => x.technique === r.technique);
    const baseline = r.comparison.rows.find((x) => x.technique === 'float32') ?? r.comparison.rows[0];
    if (!row || !baseline) throw new InvalidArgumentError(`the comparison has no ${r.technique} row`);
    const id = r.id && !s.runs.some((x) => x.id === r.id) ? r.id : randomUUID();
    s.names.add(r.model.name);
    const record: RunRecord = {
      id,
      sessionId,
      seq,
      label: runLabel(seq, r.settings),
      technique: r.technique,
      settings: r.settings,
      createdAt: r.createdAt ?? new Date().toISOString(),
      seconds: r.seconds,
      comparison: r.comparison,
      row,
      baseline,
      warnings: r.warnings,
      layers: r.layers,
      fit: r.fit,
      edgetpu: r.edgetpu,
      origin: r.origin,
      unsaved: r.origin !== 'file',
      model: r.model,
    };
    s.runs.push(record);
    return record;
  };

  const chosenRuns = (sessionId: string, runIds?: string[]): RunRecord[] => {
    const all = listOf(sessionId);
    if (!runIds) return all;
    return runIds.map((id) => {
      const r = all.find((x) => x.id === id);
      if (!r) throw new InvalidArgumentError(`no run ${id} in this session: list the runs again`);
      return r;
    });
  };

  /** The runs as one comparison report, for the CLI's writers. */
  const report = (sessionId: string, runs: RunRecord[]): ComparisonReport => {
    if (runs.length === 0)
      throw new InvalidArgumentError('no runs in this session yet: run a technique first');
    const name = host.getModel(sessionId).handle.name;
    const asRow = (r: ComparisonRowInfo, technique: string, file: string): ComparisonRow => ({
      ...r,
      technique,
      file,
    });
    const datasets = [
      ...new Set(runs.map((r) => `${r.comparison.dataset} (${r.comparison.samples} samples)`)),
    ];
    return {
      title: `${name}: ${runs.length} run${runs.length === 1 ? '' : 's'} compared`,
      dataset: datasets.join('; '),
      samples: runs[0]!.comparison.samples,
      baseline: `float32 (size ratio and speed-up of each run are against the float model measured in the same job)`,
      rows: [
        asRow(runs[0]!.baseline, 'float32', name),
        ...runs.map((r) => asRow(r.row, r.label, r.model.name)),
      ],
    };
  };

  const sessionText = (sessionId: string, runs: RunRecord[]): string => {
    const { handle, bytes } = host.getModel(sessionId);
    return serializeSessionFile({
      format: SESSION_FORMAT,
      version: SESSION_VERSION,
      savedAt: new Date().toISOString(),
      model: { name: handle.name, sizeBytes: bytes.length, sha256: sha256(bytes) },
      runs: runs.map((r): SessionRun => ({
        id: r.id,
        technique: r.technique,
        settings: r.settings,
        createdAt: r.createdAt,
        seconds: r.seconds,
        origin: r.origin,
        comparison: r.comparison,
        warnings: r.warnings,
        layers: r.layers,
        model: {
          name: r.model.name,
          base64: Buffer.from(host.getModel(r.model.id).bytes).toString('base64'),
        },
      })),
    });
  };

  const impl: RunsImpl = {
    'runs.list': ({ sessionId }) => listOf(sessionId),
    'runs.export': async ({ sessionId, format, runIds, save }) => {
      const runs = chosenRuns(sessionId, runIds);
      const stem = host.getModel(sessionId).handle.name.replace(/\.[A-Za-z0-9]+$/, '');
      let name: string;
      let body: string;
      if (format === 'session') {
        name = `${stem}.lowbit-session.json`;
        body = sessionText(sessionId, runs);
      } else {
        const r = report(sessionId, runs);
        name = `${stem}_${REPORT_FILES[format]}`;
        body = format === 'html' ? toHtml(r) : format === 'markdown' ? toMarkdown(r) : toJson(r);
      }
      let saved: string | null = null;
      if (save) {
        if (!host.showSaveDialog)
          throw new InvalidArgumentError('no save dialog in browser mode: the page downloads the text');
        saved = await host.showSaveDialog(name);
        if (saved !== null) host.saveFile(saved, new TextEncoder().encode(body));
        if (saved === null) return { name, text: '', saved };
      }
      if (format === 'session') for (const r of runs) r.unsaved = false;
      return { name, text: body, saved };
    },
    'runs.open': ({ sessionId, text }) => {
      const { handle, bytes } = host.getModel(sessionId);
      const file = parseSessionFile(text);
      if (file.model.sha256 !== sha256(bytes))
        throw new InvalidArgumentError(
          `this session file was saved for another model (${file.model.sizeBytes} bytes), not ${handle.name}: open that model first`,
        );
      // Everything is checked before anything is kept: a bad model in run 5 adds no run at all.
      const opened: {
        run: SessionRun;
        model: ModelHandle;
        fit: FitReport | null;
        edgetpu: RunRecord['edgetpu'];
      }[] = [];
      try {
        for (const [i, run] of file.runs.entries()) {
          const modelBytes = new Uint8Array(Buffer.from(run.model.base64, 'base64'));
          const row = run.comparison.rows.find((x) => x.technique === run.technique)!;
          if (row.bytes !== modelBytes.length)
            throw new InvalidArgumentError(
              `the session file is damaged: run ${i + 1}'s model has ${modelBytes.length} bytes, its comparison says ${row.bytes}`,
            );
          if (run.settings.board && !boardById(run.settings.board))
            throw new InvalidArgumentError(`the session file names an unknown board in run ${i + 1}`);
          const model = host.registerModel(unique(sessionId, run.model.name), null, modelBytes); // the bounds-checked reader
          opened.push({ run, model, fit: null, edgetpu: null });
          const tfl = host.getModel(model.id).model;
          const last = opened[opened.length - 1]!;
          last.fit = run.settings.board ? fitReport(tfl, modelBytes.length, run.settings.board) : null;
          last.edgetpu = run.settings.edgetpu ? checkEdgeTpu(tfl) : null;
        }
      } catch (e) {
        for (const o of opened) host.closeModel(o.model.id);
        throw e;
      }
      return opened.map(({ run, model, fit, edgetpu }) =>
        add(sessionId, {
          id: run.id,
          technique: run.technique,
          settings: run.settings,
          createdAt: run.createdAt,
          seconds: run.seconds,
          origin: 'file',
          comparison: run.comparison,
          warnings: run.warnings,
          layers: run.layers,
          fit,
          edgetpu,
          model,
        }),
      );
    },
  };

  return {
    impl,
    add,
    markSaved(modelId) {
      for (const s of sessions.values())
        for (const r of s.runs) if (r.model.id === modelId) r.unsaved = false;
    },
    dropSession(sessionId) {
      const s = sessions.get(sessionId);
      sessions.delete(sessionId);
      for (const r of s?.runs ?? []) host.closeModel(r.model.id);
    },
    modelName: (sessionId, stem, technique) => unique(sessionId, `${stem}_${technique}.tflite`),
  };
}
