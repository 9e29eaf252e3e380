/**
 * One CLI command per file in main/cli/commands/, registered in main/cli/registry.ts.
 *
 * Conventions: results go to stdout (JSON with --json, a human table otherwise); progress and
 * diagnostics go to stderr through ctx.progress/ctx.log. Flags shared by several commands and
 * their value parsers are in options.ts; pieces shared by several commands live in main/cli
 * (a command never imports another command).
 *
 * Errors: a wrong flag, a missing flag or a bad flag value is a UsageError (below; exit code 1,
 * the message followed by the command's usage). Everything else is a domain error from
 * main/engine/errors, which the runner maps to exit codes — 1 for INVALID_ARGUMENT raised below
 * the CLI (the message only), 2 bad input (MODEL_FORMAT, UNSUPPORTED_OP, SHAPE_MISMATCH, DATASET,
 * NOT_FOUND, IO, DEVICE_*), 3 internal error. Messages about a file must name the file.
 */
import { InvalidArgumentError } from '../engine/errors';

export interface CliContext {
  /** Human-readable line on stderr (suppressed by --quiet). */
  log(line: string): void;
  /**
   * Progress on stderr (main/cli/progress.ts): a bar on a terminal, one "label: done/total" line
   * per stage when piped, nothing with --quiet. `detail` (speed, ETA) never starts a new stage.
   */
  progress(label: string, done: number, total: number, detail?: string): void;
  /** Writes to stdout. */
  out(text: string): void;
  /** Cancelled on SIGINT. */
  signal: AbortSignal;
  cwd: string;
}

export interface CliCommand {
  name: string;
  /** One line for `lowbit --help`. */
  summary: string;
  /** Full usage text for `lowbit <name> --help`. */
  usage: string;
  /** Returns the exit code (usually 0). */
  run(argv: string[], ctx: CliContext): Promise<number>;
}

/**
 * The CLI's one usage error: wrong flags or arguments (exit code 1, with the command's usage).
 * An INVALID_ARGUMENT domain error, so code that only knows engine errors reads it the same way.
 */
export class UsageError extends InvalidArgumentError {}
