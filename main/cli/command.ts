/**
 * One CLI command per file in main/cli/commands/, registered in main/cli/registry.ts.
 *
 * Conventions: results go to stdout (JSON with --json, a human table otherwise); progress and
 * diagnostics go to stderr through ctx.progress/ctx.log. Throw domain errors (main/engine/errors):
 * the runner maps them to exit codes — 0 ok, 1 usage (UsageError / INVALID_ARGUMENT), 2 bad
 * input (MODEL_FORMAT, UNSUPPORTED_OP, SHAPE_MISMATCH, DATASET, NOT_FOUND, IO, DEVICE_*),
 * 3 internal error. Messages about a file must name the file.
 */
export interface CliContext {
  /** Human-readable line on stderr (suppressed by --quiet). */
  log(line: string): void;
  /** Progress on stderr: "label: done/total". */
  progress(label: string, done: number, total: number): void;
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

/** Wrong flags or arguments: exit code 1 with the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
