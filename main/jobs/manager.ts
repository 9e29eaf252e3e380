/**
 * Runs engine jobs in worker threads so the Electron main thread (and the host's event loop)
 * never blocks. One worker per job: jobs are long (seconds to minutes) and isolation makes
 * cancellation certain — cooperative first (AbortSignal inside the worker), then terminate.
 * At most `JobLimits.maxRunning` jobs run at once; the next ones wait in a bounded queue (first
 * in, first out) and say "queued" in their progress; beyond the queue a start is refused.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '../engine/errors';
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

/**
 * How many jobs run at once (one worker thread each, so this also bounds the worker threads) and
 * how many may wait for a free slot. A job beyond both is refused with a BUSY message rather than
 * queued without end: a caller that floods jobs.start (a script on `lowbit serve`) cannot make the
 * process hold unbounded work.
 */
export interface JobLimits {
  maxRunning: number;
  maxQueued: number;
}

/** One job per core (the worker threads are CPU-bound), and a short queue behind them. */
export function defaultJobLimits(): JobLimits {
  return { maxRunning: Math.max(1, os.availableParallelism()), maxQueued: 16 };
}

interface Entry {
  /** Undefined while the job waits in the queue. */
  worker?: Worker;
  cancelled: boolean;
  /** Starts its worker (when a slot is free). */
  launch: () => void;
  /** Settles the job as cancelled (a queued job at once, a running one after the grace period). */
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
  private readonly running = new Map<string, Entry>();
  private readonly queued = new Map<string, Entry>();
  /** Workers of finished jobs whose threads are still shutting down. */
  private stopping = 0;

  constructor(
    private readonly events: JobEvents,
    private readonly limits: JobLimits = defaultJobLimits(),
  ) {}

  /**
   * Starts a job, or queues it (its first progress says "queued") when every slot is taken;
   * resolves with its id at once. Completion arrives as a `finished` event. Throws a BUSY
   * InvalidArgumentError when the queue is full too.
   */
  start<K extends WorkerJobKind>(
    kind: K,
    workerParams: WorkerJobParams<K>,
    transfer: ArrayBuffer[] = [],
  ): { jobId: string; done: Promise<WorkerJobFinished<K>> } {
    const { maxQueued } = this.limits;
    if (!this.hasFreeSlot() && this.queued.size >= maxQueued)
      throw new InvalidArgumentError(
        `busy: ${this.running.size} jobs are running and ${this.queued.size} waiting (the limit): wait for one to finish or cancel one`,
      );
    const jobId = randomUUID();
    let settled = false;
    let resolveDone!: (f: WorkerJobFinished<K>) => void;
    const done = new Promise<WorkerJobFinished<K>>((r) => (resolveDone = r));
    const settle = (f: WorkerJobFinished<K>) => {
      if (settled) return;
      settled = true;
      this.queued.delete(jobId);
      this.running.delete(jobId);
      // The slot stays taken until the thread has really ended, so threads never exceed the limit.
      if (entry.worker) {
        this.stopping++;
        void entry.worker.terminate().finally(() => {
          this.stopping--;
          this.launchNext();
        });
      }
      // A WorkerJobFinished<K> is one member of the union over all kinds (TS cannot see it for a generic K).
      this.events.finished(f as WorkerJobFinished);
      resolveDone(f);
    };
    const cancelled = () =>
      settle({
        jobId,
        kind,
        status: 'cancelled',
        error: { code: 'CANCELLED', message: 'cancelled' },
      } as WorkerJobFinished<K>);
    const fail = (error: ErrorInfo) => {
      if (entry.cancelled || error.code === 'CANCELLED') cancelled();
      else settle({ jobId, kind, status: 'failed', error } as WorkerJobFinished<K>);
    };
    const launch = () => {
      let worker: Worker;
      try {
        worker = new Worker(workerUrl());
      } catch (e) {
        return fail({ code: 'INTERNAL', message: `cannot start a job worker: ${(e as Error).message}` });
      }
      entry.worker = worker;
      this.running.set(jobId, entry);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'progress')
          this.events.progress({
            jobId,
            stage: m.stage,
            done: m.done,
            total: m.total,
            ...(m.epoch ? { epoch: m.epoch } : {}),
          });
        else if (m.type === 'done') {
          if (entry.cancelled) cancelled();
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
    };
    const entry: Entry = { cancelled: false, launch, cancelNow: cancelled };
    if (this.hasFreeSlot()) launch();
    else {
      this.queued.set(jobId, entry);
      // On the next turn, after the caller has sent the id on: a client drops progress for an id
      // it does not know yet.
      setTimeout(() => {
        if (!settled && !entry.worker) this.events.progress({ jobId, stage: 'queued', done: 0, total: 0 });
      }, 0);
    }
    return { jobId, done };
  }

  private hasFreeSlot(): boolean {
    return this.running.size + this.stopping < this.limits.maxRunning;
  }

  /** Starts the oldest queued jobs while slots are free (one has just become free). */
  private launchNext(): void {
    while (this.hasFreeSlot()) {
      const next = this.queued.entries().next();
      if (next.done) return;
      const [id, entry] = next.value;
      this.queued.delete(id);
      entry.launch();
    }
  }

  /** Asks the job to stop; terminates its thread if it has not stopped after a grace period. */
  cancel(jobId: string): boolean {
    const waiting = this.queued.get(jobId);
    if (waiting) {
      waiting.cancelNow();
      return true;
    }
    const r = this.running.get(jobId);
    if (!r) return false;
    r.cancelled = true;
    r.worker?.postMessage({ type: 'cancel' } satisfies ToWorker);
    setTimeout(r.cancelNow, CANCEL_GRACE_MS).unref();
    return true;
  }

  /**
   * Asks a running job to end early with what it has (JobContext.stopSignal): it still finishes
   * as succeeded, with its result. False when no such job is running (a queued one is cancelled).
   */
  stop(jobId: string): boolean {
    const waiting = this.queued.get(jobId);
    if (waiting) {
      waiting.cancelNow();
      return true;
    }
    const r = this.running.get(jobId);
    if (!r) return false;
    r.worker?.postMessage({ type: 'stop' } satisfies ToWorker);
    return true;
  }

  /** Jobs running now (each on its own worker thread). */
  get activeJobs(): number {
    return this.running.size;
  }

  /** Jobs waiting for a free slot. */
  get queuedJobs(): number {
    return this.queued.size;
  }

  async dispose(): Promise<void> {
    for (const waiting of [...this.queued.values()]) waiting.cancelNow();
    await Promise.all([...this.running.values()].map((r) => r.worker?.terminate()));
    this.running.clear();
  }
}
