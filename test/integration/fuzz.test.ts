/**
 * Issue 18: a seeded fuzz run inside npm test. A few hundred cases over the models (read,
 * inspect, write back, prepare, invoke) and every dataset and `lowbit run` input format, plus
 * every crafted case (aliasing model, /dev/zero and FIFOs, decompression bombs), through
 * the same runner as `npm run fuzz` (test/fuzz): worker processes, 10 s and 512 MiB per case.
 * Any finding fails the test; `npm run fuzz -- --cases 500 --seed 1818` saves it for replay.
 */
import { describe, expect, it } from 'vitest';
import { DATASET_FORMATS, TENSOR_FORMATS } from '../fuzz/seeds';
import { runFuzz } from '../fuzz/runner';

const CASES = 500;
const SEED = 1818;

describe('seeded fuzz run (issue 18)', () => {
  it(`${CASES} cases and the crafted ones: no crash, no timeout, no case past 512 MiB`, async () => {
    const summary = await runFuzz({
      cases: CASES,
      seed: SEED,
      targets: 'all',
      crafted: true,
      findingsDir: null,
    });
    const findings = summary.findings.map(
      (f) =>
        `${f.fuzzCase.id} ${f.fuzzCase.format} (${f.fuzzCase.seedName}; ${f.fuzzCase.mutation}): ${f.finding}`,
    );
    expect(findings).toEqual([]);
    const formats = new Set(summary.results.map((r) => r.fuzzCase.format));
    for (const f of ['tflite', ...DATASET_FORMATS, ...TENSOR_FORMATS]) expect(formats, f).toContain(f);
    // Both ends of the contract are exercised: inputs that work and inputs refused cleanly.
    expect(summary.counts.successes).toBeGreaterThan(0);
    expect(summary.counts.rejections).toBeGreaterThan(0);
  }, 180_000);
});
