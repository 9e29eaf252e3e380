/**
 * Job implementations, run inside a worker thread. Each takes plain, structured-clonable params
 * (bytes, numbers, strings — never handles to main-process state) and returns a plain result.
 * Engine code does the work; this file only adapts it to the job protocol.
 */
import { isDeepStrictEqual } from 'node:util';
import { throwIfAborted, UnsupportedOpError } from '../engine/errors';
import { readModel } from '../engine/model/registry';
import type { JobFn } from './protocol';
import { optimizeJob } from './kinds/optimize';

export const jobKinds: Record<string, JobFn> = {
  /**
   * Reads a model, writes it back in its own format, reads that again and compares: the lossless
   * round-trip check.
   */
  'model.verify': async (params: { bytes: Uint8Array; name: string }, ctx) => {
    const t0 = performance.now();
    ctx.progress('reading', 0, 3);
    const { format, model } = readModel(params.bytes, params.name);
    if (!format.write)
      throw new UnsupportedOpError(`${params.name}: Lowbit cannot write ${format.name} models`);
    throwIfAborted(ctx.signal);
    ctx.progress('writing', 1, 3);
    const out = format.write(model);
    throwIfAborted(ctx.signal);
    ctx.progress('comparing', 2, 3);
    const again = format.read(out, params.name);
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
