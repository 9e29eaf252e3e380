/**
 * The lossless round-trip check: read a model, write it back in its own format, read that again
 * and compare.
 */
import { isDeepStrictEqual } from 'node:util';
import type { JobResults } from '../../contract/types';
import { throwIfAborted, UnsupportedOpError } from '../../engine/errors';
import { readModel } from '../../engine/model/registry';
import type { JobContext } from '../protocol';

export interface VerifyJobParams {
  bytes: Uint8Array;
  /** The model's file name (the format is sniffed from it and the bytes). */
  name: string;
}

export async function verifyJob(
  params: VerifyJobParams,
  ctx: JobContext,
): Promise<JobResults['model.verify']> {
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
}
