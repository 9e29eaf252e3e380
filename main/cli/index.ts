import { LowbitError } from '../engine/errors';
import { messageWithFlag } from './option-flags';
import { progressMode, progressSink, type ProgressMode } from './progress';
import type { CliContext } from './command';
import { UsageError } from './command';
import { commands } from './registry';
import { didYouMean } from './suggest';
import { version } from './version';

export const EXIT = { ok: 0, usage: 1, badInput: 2, internal: 3 } as const;

/** Error codes that mean "the input you gave is wrong" (exit 2) rather than a bug (exit 3). */
const BAD_INPUT = new Set([
  'MODEL_FORMAT',
  'UNSUPPORTED_OP',
  'SHAPE_MISMATCH',
  'DATASET',
  'NOT_FOUND',
  'IO',
  'QUANTIZATION',
  'CANCELLED',
  'DEVICE_TIMEOUT',
  'DEVICE_PROTOCOL',
  'DEVICE_NOT_FOUND',
  'DEVICE_DISCONNECTED',
  'DEVICE_VERIFY',
  'DEVICE_WRONG_CHIP',
  'DEVICE',
]);

function helpText(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'lowbit — make trained models small and fast enough for phones, Edge TPUs and microcontrollers',
    '',
    'usage: lowbit <command> [options]     (lowbit <command> --help for details)',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    '',
    'options: --help, --version. Results go to stdout (--json for machine output), progress to stderr.',
    'exit codes: 0 ok, 1 usage, 2 bad input, 3 internal error; 4 from fit: the model fits no board checked',
  ].join('\n');
}

export function makeContext(
  opts: { quiet?: boolean; mode?: ProgressMode } = {},
): CliContext & { abort: AbortController; finish(): void } {
  const abort = new AbortController();
  const sink = progressSink(process.stderr, opts.mode ?? progressMode(process.stderr, opts.quiet ?? false));
  return {
    abort,
    signal: abort.signal,
    cwd: process.cwd(),
    log: (line) => sink.log(line),
    progress: (label, done, total, detail) => sink.update(label, done, total, detail),
    out: (text) => {
      process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    },
    finish: () => sink.finish(),
  };
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText() + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(version() + '\n');
    return EXIT.ok;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(
      `lowbit: unknown command "${name}"${didYouMean(name, Object.keys(commands))}\n\n${helpText()}\n`,
    );
    return EXIT.usage;
  }
  const quiet = rest.includes('--quiet');
  const ctx = makeContext({ quiet });
  const onSigint = () => ctx.abort.abort();
  process.once('SIGINT', onSigint);
  const cmd = await entry.load();
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(cmd.usage.trimEnd() + '\n');
      return EXIT.ok;
    }
    return await cmd.run(
      rest.filter((a) => a !== '--quiet'),
      ctx,
    );
  } catch (e) {
    ctx.finish(); // the error goes below the last progress line, not into the bar
    if (e instanceof UsageError) {
      process.stderr.write(`lowbit ${name}: ${e.message}\n\n${cmd.usage.trimEnd()}\n`);
      return EXIT.usage;
    }
    if (e instanceof LowbitError) {
      if (e.code === 'INVALID_ARGUMENT') {
        process.stderr.write(`lowbit ${name}: ${messageWithFlag(e)}\n`);
        return EXIT.usage;
      }
      process.stderr.write(`lowbit ${name}: error [${e.code}]: ${messageWithFlag(e)}\n`);
      return BAD_INPUT.has(e.code) ? EXIT.badInput : EXIT.internal;
    }
    process.stderr.write(`lowbit ${name}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  } finally {
    ctx.finish();
    process.removeListener('SIGINT', onSigint);
  }
}
