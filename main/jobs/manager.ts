/**
 * Runs engine jobs in worker threads so the Electron main thread (and the host's event loop)
 * never blocks. One worker per job: jobs are long (seconds to minutes) and isolation makes
 * cancellation certain — cooperative first (AbortSignal inside the worker), then terminate.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { ErrorInfo, JobProgress } from '../contract/types';
import type { WorkerJobKind, WorkerJobParams, WorkerJobResult } from './kinds';
import type { FromWorker, ToWorker } from './protocol';

/** How long a cancelled job may take to stop on its own before its thread is terminated. */
const CANCEL_GRACE_MS = 2000;

/** How a worker job ended, typed by its kind (the services turn it into the contract's JobFinished). */
export type WorkerJobFinished<K extends WorkerJobKind = WorkerJobKind> = {
  [Kind in K]:
    | { jobId: string; kind: Kind; status: 'succeeded'; result: WorkerJobResult<Kind> }
    | { jobId: string; kind: Kind; status: 'failed' | 'cancelled'; error: ErrorInfo };
}[K];

export interface JobEvents {
  progress(p: JobProgress): void;
  finished(f: WorkerJobFinished): void;
}

interface Running {
  worker: Worker;
  cancelled: boolean;
  /** Settles the job as cancelled (after the grace period). */
  cancelNow: () => void;
}

function workerUrl(): URL {
  // From sources (tsx) this module is manager.ts and needs the tsx bootstrap; in the Electron
  // bundle it is inlined into out/main/index.js and the worker is built beside it as worker.js.
  return import.meta.url.endsWith('.ts')
    ? new URL('./worker-entry.mjs', import.meta.url)
    : new URL('./worker.js', import.meta.url);
}

export class JobManager {
  private readonly running = new Map<string, Running>();

  constructor(private readonly events: JobEvents) {}

  /** Starts a job; resolves with its id at once. Completion arrives as a `finished` event. */
  start<K extends WorkerJobKind>(
    kind: K,
    workerParams: WorkerJobParams<K>,
    transfer: ArrayBuffer[] = [],
  ): { jobId: string; done: Promise<WorkerJobFinished<K>> } {
    const jobId = randomUUID();
    const worker = new Worker(workerUrl());
    let settled = false;
    let resolveDone!: (f: WorkerJobFinished<K>) => void;
    const done = new Promise<WorkerJobFinished<K>>((r) => (resolveDone = r));
    const settle = (f: WorkerJobFinished<K>) => {
      if (settled) return;
      settled = true;
      this.running.delete(jobId);
      void worker.terminate();
      // A WorkerJobFinished<K> is one member of the union over all kinds (TS cannot see it for a generic K).
      this.events.finished(f as WorkerJobFinished);
      resolveDone(f);
    };
    const fail = (error: ErrorInfo) => {
      const status = entry.cancelled || error.code === 'CANCELLED' ? 'cancelled' : 'failed';
      settle({
        jobId,
        kind,
        status,
        error: status === 'cancelled' ? { code: 'CANCELLED', message: 'cancelled' } : error,
      } as WorkerJobFinished<K>);
    };
    const entry: Running = {
      worker,
      cancelled: false,
      cancelNow: () =>
        settle({
          jobId,
          kind,
          status: 'cancelled',
          error: { code: 'CANCELLED', message: 'cancelled' },
        } as WorkerJobFinished<K>),
    };
    this.running.set(jobId, entry);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress')
        this.events.progress({ jobId, stage: m.stage, done: m.done, total: m.total });
      else if (m.type === 'done') {
        if (entry.cancelled) fail({ code: 'CANCELLED', message: 'cancelled' });
        // The worker ran this kind's job; its result crossed the thread boundary by structured clone.
        else
          settle({
            jobId,
            kind,
            status: 'succeeded',
            result: m.result as WorkerJobResult<K>,
          } as WorkerJobFinished<K>);
      } else fail(m.error);
    });
    worker.on('error', (e) => fail({ code: 'INTERNAL', message: e.message }));
    worker.on('exit', (code) => fail({ code: 'INTERNAL', message: `job worker exited (code ${code})` }));
    const msg: ToWorker = { type: 'start', kind, params: workerParams };
    worker.postMessage(msg, transfer);
    return { jobId, done };
  }

  /** Asks the job to stop; terminates its thread if it has not stopped after a grace period. */
  cancel(jobId: string): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.cancelled = true;
    r.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    setTimeout(r.cancelNow, CANCEL_GRACE_MS).unref();
    return true;
  }

  get activeJobs(): number {
    return this.running.size;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.worker.terminate()));
    this.running.clear();
  }
}
