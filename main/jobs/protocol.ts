/** Messages between the JobManager (parent) and a job worker thread, and what a job function is. */
import type { EpochStats, ErrorInfo } from '../contract/types';

/** `params` crosses the thread boundary by structured clone: the worker trusts the manager's types. */
export type ToWorker =
  | { type: 'start'; kind: string; params: unknown }
  | { type: 'cancel' }
  /** End early with what the job has (a job that cannot just goes on; see JobContext.stopSignal). */
  | { type: 'stop' };

export type FromWorker =
  | { type: 'progress'; stage: string; done: number; total: number; epoch?: EpochStats }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: ErrorInfo };

/** What a job function receives: report progress, and stop when the signal fires. */
export interface JobContext {
  /** `epoch`: a training job's figures for the epoch that has just ended (the live chart). */
  progress(stage: string, done: number, total: number, epoch?: EpochStats): void;
  signal: AbortSignal;
  /**
   * Aborted by jobs.stop: a job that can end early with a useful result (training: the best model
   * so far) stops at its next safe point and returns it. Jobs that cannot ignore it.
   */
  stopSignal: AbortSignal;
}

export type JobFn<Params, Result> = (params: Params, ctx: JobContext) => Promise<Result>;
