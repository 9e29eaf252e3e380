/**
 * What evaluation needs to spread samples over threads, without the engine knowing threads: the
 * engine defines the interface, the Node layer implements it over worker_threads
 * (main/jobs/pool/), so the engine stays pure and runs unchanged on one thread when no pool is
 * given.
 *
 * Outputs come back in sample order, so every tally (accuracy, agreement, SQNR) sums in the same
 * order as on one thread and the figures are identical, not just close. Each thread runs the same
 * interpreter on the same bytes, so each sample's outputs are the same bits.
 *
 * Implementing another pool (a browser's Web Workers, say): run `FloatRunner.run` on each
 * sample's inputs against the model read from `modelBytes`, and call `onOutputs` in index order.
 */
import type { Sample, SampleSet } from '../datasets/samples';

export interface SamplePool {
  /** How many threads run samples (1 means evaluation gains nothing from the pool). */
  readonly workers: number;
  /**
   * Runs the TFLite model in `modelBytes` on samples 0..length-1 and calls `onOutputs` once per
   * sample, in index order, with its outputs as real values (what `FloatRunner.run` returns).
   * Rejects with the first sample's error (a LowbitError with its code), or CancelledError
   * promptly when the signal fires (every thread stops).
   */
  runSamples(
    modelBytes: Uint8Array,
    samples: SampleSet,
    onOutputs: (index: number, sample: Sample, outputs: Float32Array[]) => void,
    signal?: AbortSignal,
  ): Promise<void>;
}
