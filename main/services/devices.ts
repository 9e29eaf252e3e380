/**
 * Devices and deployment: the device list (with plug/unplug events while someone listens),
 * deployment exports, and flashing. Flashing runs here, in main's event loop, not in a job
 * worker: it is serial I/O bound (awaits, no CPU work) and the serial port's native binding
 * belongs to the main thread. It reports through the same jobs.progress / jobs.finished events
 * and is cancelled through jobs.cancel like any job. One flash per port (or drive) at a time: a
 * second is refused (BUSY), since two writers on one port would interleave their bytes. Flashes
 * use no worker thread, so they do not count against the JobManager's limits. Loading the Coral
 * USB Accelerator's firmware (devices.coralFirmware) is a device job of the same kind.
 */
import type {
  ArgsOf,
  DeviceList,
  EventName,
  Events,
  ExportFile,
  FlashOutcome,
  FlashParams,
  JobParams,
  JobResults,
  ModelHandle,
  ResultOf,
} from '../contract/types';
import { boardById } from '../engine/deploy/boards';
import {
  MODEL_EXPORT_FORMAT_IDS,
  exportBaseName,
  exportModel,
  isModelExportFormatId,
} from '../engine/deploy/export-formats';
import type { FlashProgress, ModelExportFormatId } from '../engine/deploy/device-types';
import { InvalidArgumentError } from '../engine/errors';
import type { TflModel } from '../engine/tflite/model';
import { describeProgress } from '../devices/flash-job';
import { flashModel, openSerialPort, resolveFamily } from '../devices/flash-model';
import type { OpenSerialLink } from '../devices/link/link';
import { withUsbFlashActions } from '../devices/families';
import { listDevices, watchDevices } from '../devices/listing';
import { loadCoralFirmware, readCoralFirmware } from '../devices/coral/firmware';
import { checkSerialPort, type Grants } from './grants';
import { MainJobs } from './main-jobs';

export interface DevicesHost {
  getModel(id: string): { handle: ModelHandle; model: TflModel; bytes: Uint8Array };
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  showSaveDialog?: (defaultName: string) => Promise<string | null>;
  saveFile(file: string, bytes: Uint8Array): void;
  /** What the caller may write: a drive family's explicit target folder is checked here. */
  grants: Grants;
  /** Opens the serial link (tests give a fake or PTY link). */
  openTransport?: OpenSerialLink;
  /** Polling interval of the device watcher (ms). */
  watchIntervalMs?: number;
}

type DevicesMethod = 'devices.list' | 'deploy.export';
/** The jobs that run here, in main's event loop, rather than in a worker. */
type DeviceJobKind = 'deploy.flash' | 'devices.coralFirmware';
/** What a Coral firmware load holds, as a flash holds its port: one at a time. */
const CORAL_JOB_TARGET = 'usb:coral';
type DevicesImpl = { [M in DevicesMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export interface Devices {
  impl: DevicesImpl;
  startFlash(p: FlashParams): { jobId: string };
  startCoralFirmware(p: JobParams['devices.coralFirmware']): { jobId: string };
  /** True when the job was a flash job here (and is now being cancelled). */
  cancel(jobId: string): boolean;
  /** Starts the plug/unplug watcher (once); the host calls it when a client subscribes. */
  watch(): void;
  dispose(): Promise<void>;
}

/** What crosses the wire: the listing, each USB device with the flash actions it supports. */
const asList = (l: DeviceList): DeviceList =>
  withUsbFlashActions({ serial: l.serial, usb: l.usb, warnings: l.warnings });

export function createDevices(host: DevicesHost): Devices {
  const jobs = new MainJobs(host.emit.bind(host));
  /** The port (or drive) each running flash holds: one flash per port, a second is refused. */
  const portOf = new Map<string, string>();
  let stopWatch: (() => void) | null = null;

  const exportFiles = (modelId: string, format: ModelExportFormatId): ExportFile[] => {
    if (!isModelExportFormatId(format))
      throw new InvalidArgumentError(
        `"${format}" is not an export format for a model alone (${MODEL_EXPORT_FORMAT_IDS.join(', ')})`,
      );
    const m = host.getModel(modelId);
    const { files } = exportModel(format, {
      bytes: m.bytes,
      model: m.model,
      baseName: exportBaseName(m.handle.name),
      sourceName: m.handle.name,
    });
    const enc = new TextEncoder();
    return files.map((f) => ({
      name: f.path,
      bytes: typeof f.contents === 'string' ? enc.encode(f.contents) : f.contents,
    }));
  };

  const impl: DevicesImpl = {
    'devices.list': async () => asList(await listDevices()),
    'deploy.export': async ({ modelId, format, save }) => {
      const files = exportFiles(modelId, format);
      if (!save) return { files, saved: [] };
      if (!host.showSaveDialog)
        throw new InvalidArgumentError('no save dialog in browser mode: download the files instead');
      const saved: string[] = [];
      for (const f of files) {
        const target = await host.showSaveDialog(f.name);
        if (target === null) break;
        host.saveFile(target, f.bytes);
        saved.push(target);
      }
      return { files: [], saved };
    },
  };

  /** A device job's progress as jobs.progress events. */
  const progressOf = (jobId: string) => (x: FlashProgress) =>
    host.emit('jobs.progress', { jobId, stage: describeProgress(x, ' · '), done: x.done, total: x.total });

  async function flash(jobId: string, p: FlashParams, signal: AbortSignal): Promise<FlashOutcome> {
    const m = host.getModel(p.modelId);
    const board = p.board ? boardById(p.board) : undefined;
    if (p.board && !board) throw new InvalidArgumentError(`unknown board ${p.board}: see boards.list`);
    return flashModel({
      model: m.bytes,
      modelName: m.handle.name,
      family: p.protocol,
      board,
      target: p.port,
      baud: p.baud,
      partition: p.partition,
      address: p.address,
      signal,
      onProgress: progressOf(jobId),
      // The real serial port only opens a device node; tests give their own link.
      openSerial:
        host.openTransport ??
        (async (port, baud, parity) => {
          checkSerialPort(port);
          return openSerialPort(port, baud, parity);
        }),
    });
  }

  /**
   * Runs a device job in main's event loop: it holds `target` (a port, a drive, the Coral) until
   * it ends, and reports through jobs.finished like any job.
   */
  function runJob<K extends DeviceJobKind>(
    kind: K,
    target: string,
    work: (jobId: string, signal: AbortSignal) => Promise<JobResults[K]>,
  ): { jobId: string } {
    const jobId = jobs.start(kind, work, (id) => portOf.delete(id));
    portOf.set(jobId, target);
    return { jobId };
  }

  return {
    impl,
    startFlash(p) {
      host.getModel(p.modelId); // fail now, not in the job, for an unknown model
      const family = resolveFamily(p.protocol, undefined); // and for a family the registry does not have
      // A drive family writes a file into the folder named by `port`: 'auto' finds the drive
      // itself; a folder named by the caller must be one it may create files in.
      if (family.link === 'drive' && p.port !== 'auto') host.grants.checkFolderForNewFiles(p.port);
      if ([...portOf.values()].includes(p.port))
        throw new InvalidArgumentError(
          `busy: a flash to ${JSON.stringify(p.port)} is already running: wait for it to finish or cancel it`,
        );
      return runJob('deploy.flash', p.port, (jobId, signal) => flash(jobId, p, signal));
    },
    startCoralFirmware(p) {
      if ([...portOf.values()].includes(CORAL_JOB_TARGET))
        throw new InvalidArgumentError('busy: the Coral firmware is already being loaded');
      return runJob('devices.coralFirmware', CORAL_JOB_TARGET, (jobId, signal) =>
        loadCoralFirmware({
          firmware: readCoralFirmware(),
          reenumerateTimeoutMs: (p.timeoutSec ?? 10) * 1000,
          signal,
          onProgress: progressOf(jobId),
        }),
      );
    },
    cancel: (jobId) => jobs.cancel(jobId),
    watch() {
      stopWatch ??= watchDevices((l) => host.emit('devices.changed', asList(l)), host.watchIntervalMs);
    },
    async dispose() {
      stopWatch?.();
      stopWatch = null;
      await jobs.cancelAll();
    },
  };
}
