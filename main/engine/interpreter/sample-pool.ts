/**
 * What evaluation, calibration and the quantization debugger need to spread samples over
 * threads, without the engine knowing threads: the engine defines the interface and the
 * per-sample work (a SampleTask), the Node layer implements the pool over worker_threads
 * (main/jobs/pool/), so the engine stays pure and runs unchanged on one thread when no pool is
 * given.
 *
 * Identical results, not close ones: a task's per-sample function is the very function the
 * engine runs on one thread, each thread runs it on the same model bytes, and results come back
 * in sample order, so whatever the caller folds them into (accuracy tallies, calibration
 * statistics, per-layer error sums) adds up in the same order as on one thread.
 *
 * Implementing another pool (a browser's Web Workers, say): in each thread call
 * `task.open(params)` once, then the function it returns on each sample's inputs; call
 * `onResult` in index order.
 */
import type { TflModel } from '../tflite/model';

/**
 * Per-sample work a pool can run. `id` names it across the thread boundary (the pool's threads
 * look the implementation up by id: main/jobs/pool/tasks.ts); `params` and results must survive a
 * structured clone (numbers, strings, typed arrays, plain objects).
 */
export interface SampleTask<P, R> {
  readonly id: string;
  /** Prepares a thread (reads the model...); the function it returns runs one sample. */
  open(params: P): (inputs: Float32Array[]) => R | Promise<R>;
}

/** What a pool needs of a sample: its inputs, one Float32Array per model input. */
export interface PoolSample {
  readonly inputs: readonly Float32Array[];
}

export interface SamplePool {
  /** How many threads run samples (1 means a caller gains nothing from the pool). */
  readonly workers: number;
  /**
   * Runs `task` on samples 0..length-1 and calls `onResult` once per sample, in index order,
   * with the sample as `get` returned it. Rejects with the error of the lowest sample that failed
   * (a LowbitError with its code), or CancelledError promptly when the signal fires (every thread
   * stops).
   */
  run<P, R, S extends PoolSample>(
    task: SampleTask<P, R>,
    params: P,
    samples: { readonly length: number; get(index: number): S },
    onResult: (index: number, sample: S, result: R) => void,
    signal?: AbortSignal,
  ): Promise<void>;
}

/**
 * A model with variable tensors (LSTM and SVDF state) carries state from one invoke to the next:
 * its samples must run in order on one interpreter, so callers do not spread it over a pool.
 */
export function isStateful(model: TflModel): boolean {
  return model.subgraphs.some((sg) => sg.tensors.some((t) => t.isVariable));
}

/** Whether a caller should use `pool` for `count` samples of `models`. */
export function usePool(
  pool: SamplePool | undefined,
  count: number,
  ...models: TflModel[]
): pool is SamplePool {
  return !!pool && pool.workers > 1 && count > 1 && !models.some(isStateful);
}
