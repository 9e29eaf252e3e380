/**
 * Devices and deployment as the UI sees them: the device list (refreshed by devices.changed),
 * exports (download in browser mode, Save dialogs in Electron) and one flash job at a time.
 */
import type {
  CoralFirmwareOutcome,
  DeviceList,
  ErrorInfo,
  FlashOutcome,
  FlashParams,
  JobProgress,
  ModelExportFormatId,
} from './contract';
import { api, hostKind } from './api';
import { download } from './download';
import { toErrorInfo } from './errors';

class DevicesState {
  list = $state<DeviceList | null>(null);
  error = $state<ErrorInfo | null>(null);
  loading = $state(false);

  flashJob = $state<string | null>(null);
  flashStatus = $state<'idle' | 'running' | 'succeeded' | 'failed' | 'cancelled'>('idle');
  flashProgress = $state<JobProgress | null>(null);
  flashResult = $state<FlashOutcome | null>(null);
  flashError = $state<ErrorInfo | null>(null);

  /** The Coral firmware load (devices.coralFirmware), one at a time. */
  firmwareJob = $state<string | null>(null);
  firmwareStatus = $state<'idle' | 'running' | 'succeeded' | 'failed' | 'cancelled'>('idle');
  firmwareProgress = $state<JobProgress | null>(null);
  firmwareResult = $state<CoralFirmwareOutcome | null>(null);
  firmwareError = $state<ErrorInfo | null>(null);

  exported = $state<string[]>([]);
  exportError = $state<ErrorInfo | null>(null);

  constructor() {
    api.on('devices.changed', (l) => (this.list = l));
    api.on('jobs.progress', (p) => {
      if (p.jobId === this.flashJob) this.flashProgress = p;
      if (p.jobId === this.firmwareJob) this.firmwareProgress = p;
    });
    api.on('jobs.finished', (f) => {
      if (f.jobId === this.firmwareJob) {
        this.firmwareStatus = f.status;
        if (f.status === 'succeeded') this.firmwareResult = f.result as CoralFirmwareOutcome;
        else this.firmwareError = f.error;
        void this.refresh(); // the accelerator re-enumerates as 18d1:9302
      }
      if (f.jobId !== this.flashJob) return;
      this.flashStatus = f.status;
      if (f.status === 'succeeded') this.flashResult = f.result as FlashOutcome;
      else this.flashError = f.error;
    });
  }

  async refresh(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.list = await api.devices.list({});
    } catch (e) {
      this.error = toErrorInfo(e);
    } finally {
      this.loading = false;
    }
  }

  async exportModel(modelId: string, format: ModelExportFormatId): Promise<void> {
    this.exportError = null;
    this.exported = [];
    try {
      const electron = hostKind === 'electron';
      const r = await api.deploy.export({ modelId, format, ...(electron ? { save: true } : {}) });
      for (const f of r.files) download(f.name, f.bytes);
      this.exported = electron ? r.saved : r.files.map((f) => f.name);
    } catch (e) {
      this.exportError = toErrorInfo(e);
    }
  }

  async flash(params: FlashParams): Promise<void> {
    this.flashStatus = 'running';
    this.flashProgress = null;
    this.flashResult = null;
    this.flashError = null;
    try {
      this.flashJob = (await api.jobs.start({ kind: 'deploy.flash', params })).jobId;
    } catch (e) {
      this.flashStatus = 'failed';
      this.flashError = toErrorInfo(e);
    }
  }

  /** Loads the Coral USB Accelerator's firmware (the service's devices.coralFirmware job). */
  async loadCoralFirmware(): Promise<void> {
    this.firmwareStatus = 'running';
    this.firmwareProgress = null;
    this.firmwareResult = null;
    this.firmwareError = null;
    try {
      this.firmwareJob = (await api.jobs.start({ kind: 'devices.coralFirmware', params: {} })).jobId;
    } catch (e) {
      this.firmwareStatus = 'failed';
      this.firmwareError = toErrorInfo(e);
    }
  }

  /**
   * Forgets what was exported or flashed: the wizard calls it when it shows another run, so no
   * file name or flash report of an earlier model stays on screen. A running flash keeps going.
   */
  resetDeploy(): void {
    this.exported = [];
    this.exportError = null;
    if (this.flashStatus === 'running') return;
    this.flashStatus = 'idle';
    this.flashProgress = null;
    this.flashResult = null;
    this.flashError = null;
  }

  async cancelFlash(): Promise<void> {
    if (!this.flashJob || this.flashStatus !== 'running') return;
    await api.jobs.cancel({ jobId: this.flashJob }).catch(() => undefined);
  }
}

export const devices = new DevicesState();
