import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';
import { closest } from './suggest';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with its errors said in Lowbit's words, as a UsageError (exit code 1). */
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
    throw new UsageError(parseErrorWords(e as NodeJS.ErrnoException, options, argv));
  }
  const n = r.positionals.length;
  if (!(r.values as Record<string, unknown>).help) {
    if (opts.minPositionals !== undefined && n < opts.minPositionals)
      throw new UsageError(
        `expected ${count(opts.minPositionals)} file argument(s) before the options, got ${n === 0 ? 'none' : n}`,
      );
    if (opts.maxPositionals !== undefined && n > opts.maxPositionals) {
      const extra = r.positionals
        .slice(opts.maxPositionals)
        .map((p) => `"${p}"`)
        .join(', ');
      throw new UsageError(
        opts.maxPositionals === 0
          ? `this command takes no file argument, got ${extra}`
          : `expected at most ${count(opts.maxPositionals)} file argument(s), got ${n}: ${extra} is extra (a flag missing before it?)`,
      );
    }
  }
  return r;
}

const count = (n: number) => (n === 1 ? 'one' : n === 2 ? 'two' : String(n));

/**
 * What node's parseArgs said, in Lowbit's words: the flag as typed, what is wrong with it, and the
 * nearest known flag when it looks like a typo. Node's own wording ("To specify a positional
 * argument starting with a '-'...") speaks of its parser, not of the command.
 */
function parseErrorWords(e: NodeJS.ErrnoException, options: Options, argv: string[]): string {
  const flag = /'(-{1,2}[^' <=]+)/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
    const typed = argv.find((a) => a === flag || a.startsWith(flag + '=')) ?? flag;
    const near = closest(flag.replace(/^-+/, ''), Object.keys(options));
    const hint = near !== undefined ? `; did you mean --${near}?` : '';
    return `unknown option ${typed}${hint} (the options are listed below)`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    if (/does not take an argument/.test(e.message)) return `${flag} takes no value`;
    if (/ambiguous/.test(e.message))
      return `${flag} needs a value, and what follows it looks like another option (write ${flag}=VALUE if the value starts with "-")`;
    if (/argument missing/.test(e.message)) return `${flag} needs a value`;
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument: ${e.message}`;
  return e.message;
}
