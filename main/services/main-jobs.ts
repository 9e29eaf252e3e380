/**
 * Jobs that run in main's event loop rather than a worker thread (device I/O, a child process
 * such as edgetpu_compiler): each gets an id and an AbortController, and ends with the same
 * jobs.finished event as a worker job (succeeded, failed, or cancelled when its signal was
 * aborted or it threw CANCELLED). `cancelAll` stops them all and waits until each has ended.
 */
import { randomUUID } from 'node:crypto';
import type { EventName, Events, JobFinished, JobKind, JobResults } from '../contract/types';
import { toErrorInfo } from '../engine/errors';

type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

export class MainJobs {
  private readonly running = new Map<string, AbortController>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly emit: Emit) {}

  get size(): number {
    return this.running.size;
  }

  has(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Starts `work`; `onEnd` runs once it has ended, however it ended. The job's id. */
  start<K extends JobKind>(
    kind: K,
    work: (jobId: string, signal: AbortSignal) => Promise<JobResults[K]>,
    onEnd?: (jobId: string) => void,
  ): string {
    const jobId = randomUUID();
    const abort = new AbortController();
    this.running.set(jobId, abort);
    const done = work(jobId, abort.signal).then(
      (result) => this.emit('jobs.finished', { jobId, kind, status: 'succeeded', result } as JobFinished),
      (e: unknown) => {
        const error = toErrorInfo(e);
        const cancelled = abort.signal.aborted || error.code === 'CANCELLED';
        this.emit('jobs.finished', {
          jobId,
          kind,
          status: cancelled ? 'cancelled' : 'failed',
          error: cancelled ? { code: 'CANCELLED', message: 'cancelled' } : error,
        });
      },
    );
    this.pending.add(done);
    void done.finally(() => {
      this.running.delete(jobId);
      this.pending.delete(done);
      onEnd?.(jobId);
    });
    return jobId;
  }

  /** Aborts one job; false when no such job runs here. */
  cancel(jobId: string): boolean {
    const a = this.running.get(jobId);
    if (!a) return false;
    a.abort();
    return true;
  }

  async cancelAll(): Promise<void> {
    for (const a of this.running.values()) a.abort();
    await Promise.allSettled([...this.pending]);
  }
}
