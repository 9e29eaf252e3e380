/**
 * Host latency as users read it (`lowbit run --repeat N`): the model runs N times, every run is
 * timed, and the statistics (median, p90) cover the warm runs only: the first run pays for
 * first-touch allocation, lazy preparation and JIT compilation, so it is excluded, and the
 * report says so and how many threads one inference used.
 *
 * The clock is a parameter so tests check the statistics with a fake clock, never by timing.
 */
import { latencyStats } from './metrics';

export interface WarmRunTimes {
  /** Median and p90 (nearest rank) over the warm runs, in milliseconds. */
  medianMs: number;
  p90Ms: number;
  /** Runs timed (an observed run, e.g. `--dump`, is not timed). */
  timedRuns: number;
  /** Timed runs in the statistics: all but the first run. */
  warmRuns: number;
  firstRunExcluded: true;
  /** Threads one inference used, or null when the runtime does not say. */
  threads: number | null;
}

export interface RunSteps {
  /** Work before a run that is not timed (resetting state). */
  before?: (run: number) => void;
  /** The timed work: one inference. */
  invoke: (run: number) => void | Promise<void>;
  /** Work after a run that is not timed (reading outputs). */
  after?: (run: number) => void;
  /** False for a run whose time must not count (an observed run is slower). */
  timed?: (run: number) => boolean;
}

export interface RepeatOptions {
  threads: number | null;
  /** Stops before the next run (the runs so far are reported). */
  signal?: AbortSignal;
  onRun?: (done: number, total: number) => void;
  /** Milliseconds; performance.now by default. */
  now?: () => number;
}

/** Runs `repeat` times; null when no warm run was timed (repeat 1, or stopped after the first). */
export async function timeRepeatedRuns(
  repeat: number,
  steps: RunSteps,
  options: RepeatOptions,
): Promise<WarmRunTimes | null> {
  const now = options.now ?? (() => performance.now());
  let timedRuns = 0;
  const warm: number[] = [];
  for (let r = 0; r < repeat; r++) {
    if (r > 0 && options.signal?.aborted) break;
    steps.before?.(r);
    const t0 = now();
    const pending = steps.invoke(r);
    if (pending) await pending; // no microtask for a synchronous runtime
    const ms = now() - t0;
    if (steps.timed?.(r) ?? true) {
      timedRuns++;
      if (r > 0) warm.push(ms);
    }
    steps.after?.(r);
    options.onRun?.(r + 1, repeat);
  }
  if (warm.length === 0) return null;
  const { medianMs, p90Ms } = latencyStats(warm);
  return {
    medianMs,
    p90Ms,
    timedRuns,
    warmRuns: warm.length,
    firstRunExcluded: true,
    threads: options.threads,
  };
}

/** One line for people: "median 1.234 ms, p90 1.500 ms per inference over 9 warm runs (first run excluded), 1 thread". */
export function describeWarmRuns(t: WarmRunTimes): string {
  const threads =
    t.threads === null ? "the runtime's default threads" : `${t.threads} thread${t.threads === 1 ? '' : 's'}`;
  return (
    `median ${t.medianMs.toFixed(3)} ms, p90 ${t.p90Ms.toFixed(3)} ms per inference over ${t.warmRuns} ` +
    `warm run${t.warmRuns === 1 ? '' : 's'} (first run excluded), ${threads}`
  );
}
