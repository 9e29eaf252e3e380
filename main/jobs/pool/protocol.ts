/**
 * Messages between a WorkerSamplePool (parent) and its threads. `run` numbers one runSamples
 * call: a thread answers for the run it was given, and the parent ignores answers for an older
 * run (after an error or a cancel it terminates the threads anyway).
 */
import type { toErrorInfo } from '../../engine/errors';

/** A sample's error as it crosses the thread boundary (a LowbitError's code and message). */
type ErrorInfo = ReturnType<typeof toErrorInfo>;

export type ToPoolWorker =
  /** The model for the next samples, as TFLite bytes (a copy: structured clone). */
  | { type: 'model'; run: number; bytes: Uint8Array }
  /** One sample's inputs (transferred: the parent sends copies). */
  | { type: 'sample'; run: number; index: number; inputs: Float32Array[] };

export type FromPoolWorker =
  | { type: 'outputs'; run: number; index: number; outputs: Float32Array[] }
  | { type: 'error'; run: number; index: number; error: ErrorInfo };
