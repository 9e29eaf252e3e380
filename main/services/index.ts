/**
 * The services behind the contract: one implementation shared by the Electron IPC handlers
 * (main/app) and the browser-mode host (main/host). Every argument is validated here with the
 * contract's schemas before use; every path in an argument is checked against the grant store
 * (grants.ts: only what the user chose) before the file system is touched; every failure becomes
 * `{code, message}`.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { argSchemas } from '../contract/schemas';
import {
  METHODS,
  type AppInfo,
  type ArgsOf,
  type EventMessage,
  type EventName,
  type Events,
  type Method,
  type ModelHandle,
  type Outcome,
  type ResultOf,
} from '../contract/types';
import { analyzeModel } from '../engine/analysis/analyze';
import { InvalidArgumentError, toErrorInfo } from '../engine/errors';
import { lowerWhenAsked, readModel, type OpenedModel } from '../engine/model/registry';
import type { TflModel } from '../engine/tflite/model';
import { readModelFile } from '../files/model-file';
import { assetPath } from '../files/assets';
import { JobManager, type JobLimits } from '../jobs/manager';
import { RecentModels } from './recent';
import { Grants } from './grants';
import { createWizard } from './wizard';
import { createDevices } from './devices';
import { createEdgeTpu } from './edgetpu';
import { createGraph } from './graph';
import type { GraphImageKind } from '../contract/graph';
import { createRuns } from './runs';
import { createTraining } from './train';
import { writeFileAtomic } from '../files/write-file';
import type { OpenSerialLink } from '../devices/link/link';

export interface ServiceOptions {
  mode: AppInfo['mode'];
  version: string;
  /** Electron: shows the Open dialog; resolves null when the user cancels. Absent in browser mode. */
  showOpenDialog?: () => Promise<string | null>;
  /** Where to remember recent models; null keeps them in memory only. */
  recentFile?: string | null;
  /** Electron: Save dialog for a model (default file name given); null when cancelled. */
  showSaveDialog?: (defaultName: string) => Promise<string | null>;
  /** Electron: Save dialog for the graph view's SVG/PNG export (default file name given); null when cancelled. */
  showSaveImageDialog?: (defaultName: string, kind: GraphImageKind) => Promise<string | null>;
  /** Electron: picks a dataset folder or file; null when cancelled. */
  showDatasetDialog?: () => Promise<string | null>;
  /** Where the bundled demo is (default assets/demo). */
  demoDir?: string;
  /**
   * Folders whose files the caller may read and where it may create new files (`lowbit serve
   * --allow`, default the working directory there). Electron has none: dialogs and drops grant.
   */
  allowedFolders?: readonly string[];
  /** Serial link for deploy.flash (default: the real serial port); tests pass a simulator's. */
  openTransport?: OpenSerialLink;
  /** How many worker jobs run at once and wait (default: one per core, 16 waiting). */
  jobLimits?: JobLimits;
}

interface OpenModel {
  handle: ModelHandle;
  /** The model in its own format (inspect reads it). */
  opened: OpenedModel;
  /** The TFLite model everything else works on (`opened.tflite`). */
  model: TflModel;
  bytes: Uint8Array;
}

type Listener = (msg: EventMessage) => void;
type Impl = { [M in Method]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export interface Services {
  /** Validates and runs one call. Never throws: failures come back as `{ok: false, error}`. */
  handle(method: string, args: unknown): Promise<Outcome<unknown>>;
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void;
  /** Opens a model from disk on main's own initiative (menu, drag and drop) and announces it. */
  openFromMain(file: string): Promise<ModelHandle>;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  dispose(): Promise<void>;
}

export function createServices(opts: ServiceOptions): Services {
  const models = new Map<string, OpenModel>();
  const listeners = new Set<Listener>();
  const recent = new RecentModels(opts.recentFile ?? null);
  const grants = new Grants({ allowedFolders: opts.allowedFolders });
  // The recent list is the user's own earlier choices (Open Recent): granted again.
  for (const r of recent.list()) grants.grantRead(r.path);
  /** A path the user picked in one of main's dialogs (or main itself chose): readable from now on. */
  const chosen = (file: string | null): string | null => {
    if (file !== null) grants.grantRead(file);
    return file;
  };
  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const l of listeners) l({ event, payload } as EventMessage);
  };
  const jobs = new JobManager(
    {
      progress: (p) => emit('jobs.progress', p),
      finished: (f) => emit('jobs.finished', f.kind === 'train.run' ? training.finish(f) : wizard.finish(f)),
    },
    opts.jobLimits,
  );

  const add = (name: string, file: string | null, bytes: Uint8Array, opened: OpenedModel): ModelHandle => {
    const handle: ModelHandle = {
      id: randomUUID(),
      name,
      path: file,
      sizeBytes: bytes.length,
      format: opened.format.id,
    };
    // `opened.tflite` lowers on first use (an ONNX model the converter cannot take still opens in
    // the inspector; what needs TFLite reports why not).
    models.set(handle.id, {
      handle,
      opened,
      get model() {
        return opened.tflite;
      },
      bytes,
    });
    return handle;
  };
  const register = (name: string, file: string | null, bytes: Uint8Array): ModelHandle =>
    add(name, file, bytes, lowerWhenAsked(readModel(bytes, name), name));
  const openPath = (file: string): ModelHandle => {
    const abs = path.resolve(file);
    const { bytes, ...read } = readModelFile(abs);
    const handle = add(path.basename(abs), abs, bytes, lowerWhenAsked(read, abs));
    recent.add(abs);
    return handle;
  };
  const get = (id: string): OpenModel => {
    const m = models.get(id);
    if (!m) throw new InvalidArgumentError(`no open model with id ${id}: open it again`);
    return m;
  };

  const modelPaths = () => [...models.values()].flatMap((m) => (m.handle.path ? [m.handle.path] : []));
  const closeModel = (id: string) => void models.delete(id);
  const runs = createRuns({
    getModel: get,
    registerModel: register,
    closeModel,
    showSaveDialog: opts.showSaveDialog,
    saveFile: (file, bytes) => {
      grants.grantWrite(file); // the user picked it in the Save dialog
      writeFileAtomic(file, bytes, modelPaths());
    },
  });
  const wizard = createWizard({
    getModel: get,
    openModelPath: openPath,
    registerModel: register,
    closeModel,
    runs,
    modelPaths,
    jobs,
    demoDir: opts.demoDir ?? assetPath('demo'),
    grants,
    showSaveDialog: opts.showSaveDialog,
    showDatasetDialog: opts.showDatasetDialog && (async () => chosen(await opts.showDatasetDialog!())),
  });

  const training = createTraining({
    getModel: get,
    registerModel: register,
    closeModel,
    datasetSpec: wizard.datasetSpec,
    jobs,
  });

  const devices = createDevices({
    getModel: get,
    emit,
    showSaveDialog: opts.showSaveDialog,
    saveFile: (file, bytes) => writeFileAtomic(file, bytes, modelPaths()),
    grants,
    openTransport: opts.openTransport,
  });

  const edgetpu = createEdgeTpu({ getModel: get, registerModel: register, emit });
  const graph = createGraph({
    getModel: get,
    modelPaths,
    grants,
    showSaveImageDialog: opts.showSaveImageDialog,
  });

  const impl: Impl = {
    'app.info': () => ({
      name: 'Lowbit',
      version: opts.version,
      mode: opts.mode,
      platform: process.platform,
      versions: Object.fromEntries(
        Object.entries(process.versions).filter(([k]) => ['node', 'electron', 'chrome', 'v8'].includes(k)),
      ) as Record<string, string>,
    }),
    'model.open': async ({ path: file }) => {
      if (file === undefined) {
        if (!opts.showOpenDialog)
          throw new InvalidArgumentError(
            'no path given and no file dialog in browser mode: use the file picker',
          );
        const picked = chosen(await opts.showOpenDialog());
        return picked === null ? null : openPath(picked);
      }
      return openPath(grants.checkRead(file));
    },
    'model.load': ({ name, bytes }) => register(name, null, bytes),
    'model.inspect': ({ modelId }) => {
      const { opened, bytes } = get(modelId);
      return opened.format.inspect(opened.model, bytes.length);
    },
    // Lowers an ONNX model on first use, as everything that runs it does.
    'model.analyze': ({ modelId }) => analyzeModel(get(modelId).model),
    'model.conversion': ({ modelId }) => {
      const { opened } = get(modelId);
      return opened.format.conversionReport?.(opened.model) ?? null;
    },
    'model.close': ({ modelId }) => {
      // A session's runs go with the model they started from (and their models with them), and
      // its running jobs are cancelled: nothing they make would have a session to go to.
      wizard.cancelSession(modelId);
      training.cancelSession(modelId);
      runs.dropSession(modelId);
      models.delete(modelId);
      graph.forget(modelId);
    },
    'model.recent': () => recent.list(),
    ...wizard.impl,
    ...devices.impl,
    ...edgetpu.impl,
    ...graph.impl,
    ...runs.impl,
    // A run's model saved or downloaded is no longer an unsaved result.
    'model.save': async (args) => {
      const out = await wizard.impl['model.save'](args);
      if (out) runs.markSaved(args.modelId);
      return out;
    },
    'model.bytes': (args) => {
      const bytes = wizard.impl['model.bytes'](args);
      runs.markSaved(args.modelId);
      return bytes;
    },
    'devices.list': (args) => {
      devices.watch();
      return devices.impl['devices.list'](args);
    },
    'jobs.start': (req) => {
      switch (req.kind) {
        case 'model.verify': {
          const m = get(req.params.modelId);
          const bytes = m.bytes.slice();
          const params = { bytes, name: m.handle.name };
          return { jobId: jobs.start('model.verify', params, [bytes.buffer as ArrayBuffer]).jobId };
        }
        case 'optimize.run':
          return wizard.startOptimize(req);
        case 'optimize.compare':
          return wizard.startCompare(req);
        case 'deploy.flash':
          return devices.startFlash(req.params);
        case 'devices.coralFirmware':
          return devices.startCoralFirmware(req.params);
        case 'edgetpu.compile':
          return edgetpu.startCompile(req.params);
        case 'train.run':
          return training.start(req);
      }
    },
    'jobs.stop': ({ jobId }) => {
      if (!training.owns(jobId) || !jobs.stop(jobId))
        throw new InvalidArgumentError(
          `no running job ${jobId} that can stop early (training can; use jobs.cancel)`,
        );
    },
    'jobs.cancel': ({ jobId }) => {
      if (!devices.cancel(jobId) && !edgetpu.cancel(jobId) && !jobs.cancel(jobId))
        throw new InvalidArgumentError(`no running job ${jobId}`);
    },
  };

  return {
    async handle(method, args) {
      try {
        if (!(METHODS as readonly string[]).includes(method))
          throw new InvalidArgumentError(`unknown method ${method}`);
        const m = method as Method;
        const parsed = argSchemas[m].safeParse(args);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new InvalidArgumentError(
            `${m}: invalid argument${issue ? ` ${issue.path.join('.') || ''}: ${issue.message}` : ''}`.replace(
              /\s+:/,
              ':',
            ),
          );
        }
        const value = await (impl[m] as (a: unknown) => unknown)(parsed.data);
        return { ok: true, value };
      } catch (e) {
        return { ok: false, error: toErrorInfo(e) };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async openFromMain(file) {
      // Menu, drop, command line, Open Recent: the user picked this file.
      grants.grantRead(file);
      const handle = openPath(file);
      emit('model.opened', handle);
      return handle;
    },
    emit,
    dispose: async () => {
      await devices.dispose();
      await edgetpu.dispose();
      await jobs.dispose();
    },
  };
}
