/** Messages between the JobManager (parent) and a job worker thread. */
import type { ErrorInfo } from '../contract/types';

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

export type JobFn = (params: any, ctx: JobContext) => Promise<unknown>;
