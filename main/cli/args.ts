import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with errors turned into UsageError (exit code 1). */
export function parse<O extends Options>(
  argv: string[],
  options: O,
  opts: { minPositionals?: number; maxPositionals?: number } = {},
) {
  let r;
  try {
    r = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const n = r.positionals.length;
  if (!(r.values as Record<string, unknown>).help) {
    if (opts.minPositionals !== undefined && n < opts.minPositionals)
      throw new UsageError(`expected at least ${opts.minPositionals} argument(s), got ${n}`);
    if (opts.maxPositionals !== undefined && n > opts.maxPositionals)
      throw new UsageError(`expected at most ${opts.maxPositionals} argument(s), got ${n}`);
  }
  return r;
}
