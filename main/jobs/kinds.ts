/**
 * The job kinds that run in a worker thread: the one table from which the manager, the worker and
 * the services take each kind's parameter and result types. Each job takes plain,
 * structured-clonable params (bytes, numbers, strings — never handles to main-process state) and
 * returns a plain result; engine code does the work, the job only adapts it to the protocol.
 *
 * To add a worker job: write kinds/<name>.ts exporting a `JobFn` and add one line here (and the
 * kind to the contract's JobParams / JobResults if the UI starts it).
 */
import type { JobFn } from './protocol';
import { compareJob } from './kinds/compare';
import { optimizeJob } from './kinds/optimize';
import { trainJob } from './kinds/train';
import { verifyJob } from './kinds/verify';

export const jobKinds = {
  /** Reads a model, writes it back, reads that again and compares: the lossless round-trip check. */
  'model.verify': verifyJob,
  /** The wizard's optimization: quantize, compare with float, debug per layer, check the board fit. */
  'optimize.run': optimizeJob,
  /** "Compare all that apply": several techniques against the float model in one comparison. */
  'optimize.compare': compareJob,
  /** Fine-tuning on labelled data (issue 15): per-batch progress, per-epoch figures, stop keeps the best. */
  'train.run': trainJob,
} satisfies Record<string, JobFn<never, unknown>>;

export type WorkerJobs = typeof jobKinds;
export type WorkerJobKind = keyof WorkerJobs;
export type WorkerJobParams<K extends WorkerJobKind> = Parameters<WorkerJobs[K]>[0];
export type WorkerJobResult<K extends WorkerJobKind> = Awaited<ReturnType<WorkerJobs[K]>>;

export function isWorkerJobKind(kind: string): kind is WorkerJobKind {
  return Object.hasOwn(jobKinds, kind);
}
