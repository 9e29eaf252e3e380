/**
 * Job implementations, run inside a worker thread. Each takes plain, structured-clonable params
 * (bytes, numbers, strings — never handles to main-process state) and returns a plain result.
 * Engine code does the work; this file only adapts it to the job protocol.
 */
import { isDeepStrictEqual } from 'node:util';
import { throwIfAborted } from '../engine/errors';
import { readTflite } from '../engine/tflite/reader';
import { writeTflite } from '../engine/tflite/writer';
import type { JobFn } from './protocol';
import { optimizeJob } from './kinds/optimize';

export const jobKinds: Record<string, JobFn> = {
  /** Reads a model, writes it back, reads that again and compares: the lossless round-trip check. */
  'model.verify': async (params: { bytes: Uint8Array }, ctx) => {
    const t0 = performance.now();
    ctx.progress('reading', 0, 3);
    const model = readTflite(params.bytes);
    throwIfAborted(ctx.signal);
    ctx.progress('writing', 1, 3);
    const out = writeTflite(model);
    throwIfAborted(ctx.signal);
    ctx.progress('comparing', 2, 3);
    const again = readTflite(out);
    ctx.progress('done', 3, 3);
    return {
      identical: isDeepStrictEqual(again, model),
      inputBytes: params.bytes.length,
      rewrittenBytes: out.length,
      seconds: (performance.now() - t0) / 1000,
    };
  },
  /** The wizard's optimization: quantize, compare with float, debug per layer, check the board fit. */
  'optimize.run': optimizeJob,
};
