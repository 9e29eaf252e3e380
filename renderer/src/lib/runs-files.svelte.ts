/**
 * The session's runs as files: the report (HTML, Markdown, JSON: the CLI's own writers, in main)
 * and the session file, downloaded in browser mode or saved through main's Save dialog in
 * Electron; a session file the user picks read back (main checks it as untrusted).
 */
import type { ErrorInfo, RunsExportFormat } from './contract';
import { api, hostKind } from './api';
import { downloadBlob } from './download';
import { toErrorInfo } from './errors';
import { wizard } from './wizard.svelte';

function downloadText(name: string, text: string, type: string): void {
  downloadBlob(name, new Blob([text], { type }));
}

const TYPES: Record<RunsExportFormat, string> = {
  html: 'text/html',
  markdown: 'text/markdown',
  json: 'application/json',
  session: 'application/json',
};

class RunsFiles {
  /** What the last export or open did, in words ("Saved report.html"), or null. */
  private said = $state<{ session: string; message: string | null; error: ErrorInfo | null } | null>(null);
  busy = $state(false);

  /** Only what was said for the session on screen: another model's messages are stale. */
  get message(): string | null {
    return this.said?.session === wizard.modelId ? this.said.message : null;
  }
  get error(): ErrorInfo | null {
    return this.said?.session === wizard.modelId ? this.said.error : null;
  }

  private say(message: string | null, error: ErrorInfo | null = null): void {
    this.said = wizard.modelId ? { session: wizard.modelId, message, error } : null;
  }

  clear(): void {
    this.said = null;
  }

  async export(format: RunsExportFormat): Promise<void> {
    const sessionId = wizard.modelId;
    if (!sessionId) return;
    this.clear();
    this.busy = true;
    try {
      const electron = hostKind === 'electron';
      const out = await api.runs.export({ sessionId, format, ...(electron ? { save: true } : {}) });
      if (electron) {
        if (out.saved) this.say(`Saved ${out.saved}`);
      } else {
        downloadText(out.name, out.text, TYPES[format]);
        this.say(`Downloaded ${out.name}`);
      }
      if (format === 'session') await wizard.refreshRuns();
    } catch (e) {
      this.say(null, toErrorInfo(e));
    } finally {
      this.busy = false;
    }
  }

  /** Reads a session file the user picked and adds its runs to this session. */
  async open(file: File): Promise<void> {
    const sessionId = wizard.modelId;
    if (!sessionId) return;
    this.clear();
    this.busy = true;
    try {
      const added = await api.runs.open({ sessionId, text: await file.text() });
      await wizard.refreshRuns();
      this.say(`Opened ${file.name}: ${added.length} run${added.length === 1 ? '' : 's'} added`);
      const last = added[added.length - 1];
      if (last) wizard.show(last.id);
    } catch (e) {
      this.say(null, toErrorInfo(e));
    } finally {
      this.busy = false;
    }
  }
}

export const runsFiles = new RunsFiles();
