/**
 * Issue 16 (item 4): `lowbit run --repeat N` reports median and p90 over the warm runs (first run
 * excluded, said) with the thread count, in text and in --json. Checked by structure, not timing.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedPath } from '../support/shared';
import { lowbitInProcess as lowbit } from '../support/cli';

const HW8 = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');
const input = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-repeat-')), 'x.csv');
fs.writeFileSync(input, '5\n');

describe('lowbit run --repeat (issue 16)', () => {
  it('--json: median and p90 over N-1 warm runs, first run excluded, 1 thread', async () => {
    const r = await lowbit('run', HW8, '--input', input, '--json', '--repeat', '6');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ repeat: 6, timedRuns: 6, warmRuns: 5, firstRunExcluded: true, threads: 1 });
    expect(j.p90Ms).toBeGreaterThanOrEqual(j.medianMs);
    expect(j.medianMs).toBeGreaterThan(0);
  });

  it('text: one line naming median, p90, the warm runs and the threads; none for one run', async () => {
    const r = await lowbit('run', HW8, '--input', input, '--repeat', '4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /\nmedian \d+\.\d{3} ms, p90 \d+\.\d{3} ms per inference over 3 warm runs \(first run excluded\), 1 thread\n?$/,
    );
    const once = await lowbit('run', HW8, '--input', input);
    expect(once.stdout).not.toMatch(/median/);
  });
});
