/**
 * Issue 16 (item 4): `--repeat` statistics cover the warm runs only (the first is excluded), with
 * median and nearest-rank p90 and the thread count, checked on a fake clock (no timing).
 */
import { describe, expect, it } from 'vitest';
import { describeWarmRuns, timeRepeatedRuns } from './warm-runs';

/** A clock where run r takes durations[r] milliseconds. */
function fakeClock(durations: number[]) {
  let t = 0;
  let run = 0;
  let started = false;
  return () => {
    if (started) {
      t += durations[run++]!;
      started = false;
    } else started = true;
    return t;
  };
}

describe('timeRepeatedRuns', () => {
  it('excludes the first run and gives the median and p90 of the others', async () => {
    // The first run is slow (1000 ms) and must not count; warm runs 1..10 ms.
    const durations = [1000, 7, 3, 10, 1, 5, 9, 2, 8, 6, 4];
    const invoked: number[] = [];
    const t = await timeRepeatedRuns(
      durations.length,
      { invoke: (r) => void invoked.push(r) },
      { threads: 1, now: fakeClock(durations) },
    );
    expect(invoked).toEqual(durations.map((_d, i) => i));
    expect(t).toEqual({
      medianMs: 5.5,
      p90Ms: 9,
      timedRuns: 11,
      warmRuns: 10,
      firstRunExcluded: true,
      threads: 1,
    });
    expect(describeWarmRuns(t!)).toBe(
      'median 5.500 ms, p90 9.000 ms per inference over 10 warm runs (first run excluded), 1 thread',
    );
  });

  it('an untimed (observed) first run, and nothing to report for one run', async () => {
    const t = await timeRepeatedRuns(
      3,
      { invoke: () => undefined, timed: (r) => r !== 0 },
      { threads: null, now: fakeClock([50, 2, 4]) },
    );
    expect(t).toMatchObject({ medianMs: 3, p90Ms: 4, timedRuns: 2, warmRuns: 2 });
    expect(describeWarmRuns(t!)).toMatch(
      /over 2 warm runs \(first run excluded\), the runtime's default threads$/,
    );
    expect(await timeRepeatedRuns(1, { invoke: () => undefined }, { threads: 1 })).toBeNull();
  });

  it('stops before the next run when the signal fires, reporting the runs so far', async () => {
    const abort = new AbortController();
    const t = await timeRepeatedRuns(
      100,
      { invoke: (r) => (r === 4 ? abort.abort() : undefined) },
      { threads: 1, signal: abort.signal, now: fakeClock(Array(100).fill(1)) },
    );
    expect(t).toMatchObject({ timedRuns: 5, warmRuns: 4 });
  });
});
