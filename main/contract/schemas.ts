/**
 * Argument schemas for every contract method: main validates every argument it receives with
 * these before doing anything (the renderer is not trusted more than a web page).
 */
import { z } from 'zod';
import type { ArgsOf, Method } from './types';

const id = z.string().min(1).max(128);
const empty = z.object({}).strict();

export const argSchemas: { [M in Method]: z.ZodType<ArgsOf<M>> } = {
  'app.info': empty as z.ZodType<Record<string, never>>,
  'model.open': z.object({ path: z.string().min(1).max(4096).optional() }).strict(),
  'model.load': z
    .object({
      name: z.string().min(1).max(255),
      bytes: z.instanceof(Uint8Array).refine((b) => b.length <= 2 ** 31, 'model too large'),
    })
    .strict(),
  'model.inspect': z.object({ modelId: id }).strict(),
  'model.close': z.object({ modelId: id }).strict(),
  'model.recent': empty as z.ZodType<Record<string, never>>,
  'jobs.start': z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('model.verify'), params: z.object({ modelId: id }).strict() }).strict(),
  ]),
  'jobs.cancel': z.object({ jobId: id }).strict(),
};
