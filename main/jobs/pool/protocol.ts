/**
 * Messages between a WorkerSamplePool (parent) and its threads. `run` numbers one run() call: a
 * thread answers for the run it was given, and the parent ignores answers for an older run
 * (after an error or a cancel it terminates the threads anyway).
 */
import type { toErrorInfo } from '../../engine/errors';

/** A sample's error as it crosses the thread boundary (a LowbitError's code and message). */
type ErrorInfo = ReturnType<typeof toErrorInfo>;

export type ToPoolWorker =
  /** The task for the next samples: its id in tasks.ts and its parameters (a structured clone). */
  | { type: 'task'; run: number; id: string; params: unknown }
  /** One sample's inputs (transferred: the parent sends copies). */
  | { type: 'sample'; run: number; index: number; inputs: Float32Array[] };

export type FromPoolWorker =
  /** The task's result for one sample (its typed arrays' buffers transferred). */
  | { type: 'result'; run: number; index: number; result: unknown }
  | { type: 'error'; run: number; index: number; error: ErrorInfo };
