import { LowbitError } from '../engine/errors';
import { messageWithFlag } from './option-flags';
import type { CliContext } from './command';
import { UsageError } from './command';
import { commands } from './registry';
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
    'exit codes: 0 ok, 1 usage, 2 bad input, 3 internal error',
  ].join('\n');
}

export function makeContext(opts: { quiet?: boolean } = {}): CliContext & { abort: AbortController } {
  const abort = new AbortController();
  let lastProgress = 0;
  return {
    abort,
    signal: abort.signal,
    cwd: process.cwd(),
    log: (line) => {
      if (!opts.quiet) process.stderr.write(line + '\n');
    },
    progress: (label, done, total) => {
      if (opts.quiet) return;
      const now = Date.now();
      // Throttle to ~10 lines a second; always print the last step.
      if (done < total && now - lastProgress < 100) return;
      lastProgress = now;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    },
    out: (text) => {
      process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    },
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
    process.stderr.write(`lowbit: unknown command "${name}"\n\n${helpText()}\n`);
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
    process.removeListener('SIGINT', onSigint);
  }
}
