/**
 * Devices and deployment: the device list (with plug/unplug events while someone listens),
 * deployment exports, and flashing. Flashing runs here, in main's event loop, not in a job
 * worker: it is serial I/O bound (awaits, no CPU work) and the serial port's native binding
 * belongs to the main thread. It reports through the same jobs.progress / jobs.finished events
 * and is cancelled through jobs.cancel like any job.
 */
import { randomUUID } from 'node:crypto';
import type {
  ArgsOf,
  DeviceList,
  EventName,
  Events,
  ExportFile,
  FlashOutcome,
  FlashParams,
  ModelHandle,
  ResultOf,
} from '../contract/types';
import { exportArduinoLibrary } from '../engine/deploy/arduino';
import { boardById } from '../engine/deploy/boards';
import { buildContainer } from '../engine/deploy/container';
import { UF2_FAMILIES, buildUf2 } from '../engine/deploy/uf2';
import { copyToUf2Drive, findUf2Drives, readUf2Info } from '../devices/uf2-drive';
import { estimateFootprint } from '../engine/deploy/fit';
import { footprintFacts } from '../engine/deploy/footprint-facts';
import { exportTflm } from '../engine/deploy/tflm-export';
import { DeviceNotFoundError, InvalidArgumentError, toErrorInfo } from '../engine/errors';
import type { TflModel } from '../engine/tflite/model';
import { flashEsp32 } from '../devices/esp32/flasher';
import { listDevices, watchDevices } from '../devices/listing';
import { SerialTransport } from '../devices/serial-transport';
import { flashStm32 } from '../devices/stm32/flasher';
import type { Transport } from '../devices/transport';

export interface DevicesHost {
  getModel(id: string): { handle: ModelHandle; model: TflModel; bytes: Uint8Array };
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  showSaveDialog?: (defaultName: string) => Promise<string | null>;
  saveFile(file: string, bytes: Uint8Array): void;
  /** Opens the serial link (tests give a fake or PTY transport). */
  openTransport?: (port: string, baud: number, parity: 'none' | 'even') => Promise<Transport>;
  /** Polling interval of the device watcher (ms). */
  watchIntervalMs?: number;
}

type DevicesMethod = 'devices.list' | 'deploy.export';
type DevicesImpl = { [M in DevicesMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export interface Devices {
  impl: DevicesImpl;
  startFlash(p: FlashParams): { jobId: string };
  /** True when the job was a flash job here (and is now being cancelled). */
  cancel(jobId: string): boolean;
  /** Starts the plug/unplug watcher (once); the host calls it when a client subscribes. */
  watch(): void;
  dispose(): Promise<void>;
}

const asList = (l: DeviceList): DeviceList => ({ serial: l.serial, usb: l.usb, warnings: l.warnings });

export function createDevices(host: DevicesHost): Devices {
  const running = new Map<string, AbortController>();
  const pending = new Set<Promise<unknown>>();
  let stopWatch: (() => void) | null = null;

  const openTransport =
    host.openTransport ??
    (async (port: string, baud: number, parity: 'none' | 'even') => {
      const t = new SerialTransport(port, { baud, parity });
      await t.open();
      return t;
    });

  const exportFiles = (modelId: string, format: 'tflm' | 'arduino' | 'container'): ExportFile[] => {
    const m = host.getModel(modelId);
    const stem = m.handle.name.replace(/\.tflite$/i, '').replace(/[^A-Za-z0-9_]/g, '_') || 'model';
    const base = /^[A-Za-z_]/.test(stem) ? stem : `m_${stem}`;
    if (format === 'container') return [{ name: `${stem}.lbm`, bytes: buildContainer(m.bytes) }];
    const facts = footprintFacts(m.model, m.bytes.length);
    const estimate = estimateFootprint(facts);
    const opts = { baseName: base, sourceName: m.handle.name };
    const enc = new TextEncoder();
    if (format === 'arduino') {
      const { zip } = exportArduinoLibrary(m.bytes, facts.ops, estimate, opts);
      return [{ name: `${base}_arduino.zip`, bytes: zip }];
    }
    return exportTflm(m.bytes, facts.ops, estimate, opts).map((f) => ({
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

  async function flash(jobId: string, p: FlashParams, signal: AbortSignal): Promise<FlashOutcome> {
    const m = host.getModel(p.modelId);
    const board = p.board ? boardById(p.board) : undefined;
    if (p.board && !board) throw new InvalidArgumentError(`unknown board ${p.board}: see boards.list`);
    const image = buildContainer(m.bytes);
    const baud = p.baud ?? 115200;
    const progress = (phase: string, done: number, total: number, rate: number, eta: number | undefined) =>
      host.emit('jobs.progress', {
        jobId,
        stage: `${phase}${rate > 0 ? ` · ${(rate / 1024).toFixed(1)} KB/s` : ''}${eta !== undefined && done < total ? ` · ETA ${Math.ceil(eta)} s` : ''}`,
        done,
        total,
      });
    if (p.protocol === 'uf2') return flashUf2(jobId, p, image, m.bytes.length, board);
    progress('connect', 0, image.length, 0, undefined);
    const t = await openTransport(p.port, baud, p.protocol === 'stm32' ? 'even' : 'none');
    try {
      const common = {
        signal,
        onProgress: (x: {
          phase: string;
          done: number;
          total: number;
          bytesPerSec: number;
          etaSec?: number;
        }) => progress(x.phase, x.done, x.total, x.bytesPerSec, x.etaSec),
      };
      const r =
        p.protocol === 'esp32'
          ? await flashEsp32(t, image, {
              ...common,
              baud,
              address: p.address ?? (p.partition ? undefined : board?.model.address),
              partition: p.address === undefined ? (p.partition ?? board?.model.partition) : undefined,
              expectChip: board?.espChip,
              flashSize: board ? board.flashKB * 1024 : undefined,
            })
          : await flashStm32(t, image, {
              ...common,
              baud,
              address:
                p.address ??
                board?.model.address ??
                (() => {
                  throw new InvalidArgumentError(
                    'stm32 needs an address or a board (flashing over the firmware at 0x08000000 is never a default)',
                  );
                })(),
              expectPid: board?.stm32Pid,
            });
      return {
        protocol: r.protocol,
        chip: r.chip,
        address: r.address,
        bytes: r.bytes,
        modelBytes: m.bytes.length,
        retries: r.retries,
        verifiedBy: r.verifiedBy,
        ms: r.ms,
      };
    } finally {
      await t.close();
    }
  }

  /** RP2040/RP2350: the image as UF2 blocks, copied onto the BOOTSEL drive (the ROM flashes it). */
  function flashUf2(
    jobId: string,
    p: FlashParams,
    image: Uint8Array,
    modelBytes: number,
    board: ReturnType<typeof boardById>,
  ): FlashOutcome {
    const t0 = Date.now();
    const address = p.address ?? board?.model.address;
    if (address === undefined) throw new InvalidArgumentError('uf2 needs an address or a board');
    const family = board?.model.uf2Family ?? 'rp2040';
    const uf2 = buildUf2(image, address, UF2_FAMILIES[family]);
    const drive = p.port === 'auto' ? findUf2Drives()[0] : readUf2Info(p.port);
    if (!drive)
      throw new DeviceNotFoundError(
        p.port === 'auto'
          ? 'no RPI-RP2 / RP2350 drive is mounted: hold BOOTSEL while plugging the board in'
          : `${p.port} is not a UF2 bootloader drive (no INFO_UF2.TXT)`,
      );
    host.emit('jobs.progress', { jobId, stage: 'write', done: 0, total: uf2.length });
    const file = copyToUf2Drive(
      drive,
      `${host.getModel(p.modelId).handle.name.replace(/\.tflite$/i, '')}.uf2`,
      uf2,
    );
    host.emit('jobs.progress', { jobId, stage: 'done', done: uf2.length, total: uf2.length });
    return {
      protocol: 'uf2',
      chip: drive.boardId || drive.family,
      address,
      bytes: image.length,
      modelBytes,
      retries: 0,
      verifiedBy: 'none',
      ms: Date.now() - t0,
      file,
    };
  }

  return {
    impl,
    startFlash(p) {
      host.getModel(p.modelId); // fail now, not in the job, for an unknown model
      const jobId = randomUUID();
      const abort = new AbortController();
      running.set(jobId, abort);
      const done = flash(jobId, p, abort.signal).then(
        (result) => host.emit('jobs.finished', { jobId, kind: 'deploy.flash', status: 'succeeded', result }),
        (e: unknown) => {
          const error = toErrorInfo(e);
          const cancelled = abort.signal.aborted || error.code === 'CANCELLED';
          host.emit('jobs.finished', {
            jobId,
            kind: 'deploy.flash',
            status: cancelled ? 'cancelled' : 'failed',
            error: cancelled ? { code: 'CANCELLED', message: 'cancelled' } : error,
          });
        },
      );
      pending.add(done);
      void done.finally(() => {
        running.delete(jobId);
        pending.delete(done);
      });
      return { jobId };
    },
    cancel(jobId) {
      const a = running.get(jobId);
      if (!a) return false;
      a.abort();
      return true;
    },
    watch() {
      stopWatch ??= watchDevices((l) => host.emit('devices.changed', asList(l)), host.watchIntervalMs);
    },
    async dispose() {
      stopWatch?.();
      stopWatch = null;
      for (const a of running.values()) a.abort();
      await Promise.allSettled([...pending]);
    },
  };
}
