/** Messages between the JobManager (parent) and a job worker thread, and what a job function is. */
import type { ErrorInfo } from '../contract/types';

/** `params` crosses the thread boundary by structured clone: the worker trusts the manager's types. */
export type ToWorker = { type: 'start'; kind: string; params: unknown } | { type: 'cancel' };

export type FromWorker =
  | { type: 'progress'; stage: string; done: number; total: number }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: ErrorInfo };

/** What a job function receives: report progress, and stop when the signal fires. */
export interface JobContext {
  progress(stage: string, done: number, total: number): void;
  signal: AbortSignal;
}

export type JobFn<Params, Result> = (params: Params, ctx: JobContext) => Promise<Result>;
