/**
 * The open model and what the UI shows about it. One instance, shared by the views.
 * Every open goes through `track` so a slow earlier open can never overwrite a later one.
 */
import type { AppInfo, ErrorInfo, InspectReport, ModelHandle, RecentModel } from './contract';
import { api } from './api';
import { toErrorInfo } from './errors';

class Session {
  handle = $state<ModelHandle | null>(null);
  report = $state<InspectReport | null>(null);
  error = $state<ErrorInfo | null>(null);
  /** What is in progress ("Reading person_detect.tflite…"), or null. */
  busy = $state<string | null>(null);
  recent = $state<RecentModel[]>([]);
  info = $state<AppInfo | null>(null);
  private generation = 0;

  /**
   * First contact with main: app info and the recent list. In browser mode this is also where a
   * wrong token or a stopped server shows up, before the user tries to open anything.
   */
  async init(): Promise<void> {
    try {
      this.info = await api.app.info({});
    } catch (e) {
      this.error ??= toErrorInfo(e);
      return;
    }
    await this.refreshRecent();
  }

  /**
   * Asked before another model replaces the open one (set by wizard-entry.ts: unsaved runs or a
   * run in progress would be lost); false keeps the open model and opens nothing.
   */
  beforeReplace: ((current: ModelHandle, next: string) => Promise<boolean>) | null = null;
  /** Told after another model replaced `previous` (which main then closes). */
  onReplaced: ((previous: ModelHandle) => void) | null = null;

  /** Runs one open/inspect; a newer call makes the result of an older one be ignored. */
  private async track(label: string, open: () => Promise<ModelHandle | null>, next: string): Promise<void> {
    const current = this.handle;
    if (current && this.beforeReplace && !(await this.beforeReplace(current, next))) return;
    const gen = ++this.generation;
    this.busy = label;
    this.error = null;
    try {
      const handle = await open();
      if (gen !== this.generation || !handle) return;
      await this.show(handle, gen);
    } catch (e) {
      if (gen === this.generation) this.error = toErrorInfo(e);
    } finally {
      if (gen === this.generation) this.busy = null;
    }
  }

  private async show(handle: ModelHandle, gen: number): Promise<void> {
    const report = await api.model.inspect({ modelId: handle.id });
    if (gen !== this.generation) return;
    const previous = this.handle;
    this.handle = handle;
    this.report = report;
    if (previous && previous.id !== handle.id) {
      this.onReplaced?.(previous);
      api.model.close({ modelId: previous.id }).catch(() => undefined);
    }
    void this.refreshRecent();
  }

  /** A file picked in the browser (file input, drop zone): its bytes go to main. */
  openFile(file: File): Promise<void> {
    return this.track(
      `Reading ${file.name}…`,
      async () => {
        const bytes = new Uint8Array(await file.arrayBuffer());
        return api.model.load({ name: file.name, bytes });
      },
      file.name,
    );
  }

  /** A path (recent list), or no path: main shows its file dialog (Electron). */
  openPath(path?: string): Promise<void> {
    return this.track(
      path ? `Opening ${path}…` : 'Opening…',
      () => api.model.open(path ? { path } : {}),
      path ?? 'another model',
    );
  }

  /** Main opened a model by itself (File menu, drag and drop onto the Electron window). */
  opened(handle: ModelHandle): Promise<void> {
    return this.track(`Opening ${handle.name}…`, async () => handle, handle.name);
  }

  async refreshRecent(): Promise<void> {
    try {
      this.recent = await api.model.recent({});
    } catch {
      // The recent list is a convenience; failing to read it must not bother the user.
    }
  }

  showError(e: ErrorInfo): void {
    this.error = e;
  }

  dismissError(): void {
    this.error = null;
  }

  close(): void {
    const h = this.handle;
    this.generation++;
    this.handle = null;
    this.report = null;
    this.busy = null;
    if (h) api.model.close({ modelId: h.id }).catch(() => undefined);
  }
}

export const session = new Session();
