/**
 * Long-running engine jobs as the UI sees them: started through the contract, followed through
 * the jobs.progress / jobs.finished events (which arrive over IPC or the WebSocket alike).
 */
import type { ErrorInfo, JobFinished, JobKind, JobParams, JobProgress } from './contract';
import { api } from './api';
import { toErrorInfo } from './errors';

export interface JobView {
  jobId: string | null;
  kind: JobKind;
  status: 'starting' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: JobProgress | null;
  result: unknown;
  error: ErrorInfo | null;
}

/** Finished events for job ids we do not know yet (the event beat the jobs.start reply). */
const EARLY_LIMIT = 32;

function applyFinished(j: JobView, f: JobFinished): void {
  j.status = f.status;
  if (f.status === 'succeeded') j.result = f.result;
  else j.error = f.error;
}

class Jobs {
  /** Latest job per key (e.g. "model.verify:<modelId>"), so each view shows its own. */
  byKey = $state<Record<string, JobView>>({});
  private keyOf = new Map<string, string>();
  private early = new Map<string, JobFinished>();

  constructor() {
    api.on('jobs.progress', (p) => {
      const j = this.find(p.jobId);
      if (j && j.status === 'running') j.progress = p;
    });
    api.on('jobs.finished', (f) => {
      const j = this.find(f.jobId);
      if (j) return applyFinished(j, f);
      this.early.set(f.jobId, f);
      if (this.early.size > EARLY_LIMIT) this.early.delete(this.early.keys().next().value as string);
    });
  }

  private find(jobId: string): JobView | undefined {
    const key = this.keyOf.get(jobId);
    const j = key ? this.byKey[key] : undefined;
    return j && j.jobId === jobId ? j : undefined;
  }

  async start<K extends JobKind>(key: string, kind: K, params: JobParams[K]): Promise<void> {
    this.byKey[key] = { jobId: null, kind, status: 'starting', progress: null, result: null, error: null };
    const view = this.byKey[key];
    try {
      const { jobId } = await api.jobs.start({ kind, params } as Parameters<typeof api.jobs.start>[0]);
      if (this.byKey[key] !== view) return; // restarted meanwhile
      view.jobId = jobId;
      view.status = 'running';
      this.keyOf.set(jobId, key);
      const f = this.early.get(jobId);
      if (f) {
        this.early.delete(jobId);
        applyFinished(view, f);
      }
    } catch (e) {
      view.status = 'failed';
      view.error = toErrorInfo(e);
    }
  }

  async cancel(key: string): Promise<void> {
    const j = this.byKey[key];
    if (!j?.jobId || j.status !== 'running') return;
    try {
      await api.jobs.cancel({ jobId: j.jobId });
    } catch {
      // Already finished: the finished event tells the real outcome.
    }
  }
}

export const jobs = new Jobs();
