/**
 * Issue 13: a seeded fuzz run of the ONNX reader inside npm test, through the same runner as
 * `npm run fuzz -- --target onnx` (test/fuzz): mutated node-test models and PyTorch exports
 * (structure-aware and blind), plus the crafted ONNX cases (empty-node bomb, deep nesting, a
 * symbolic link out, 3 GB of sparse external weights), each read, inspected, written, read
 * again and its initializers decoded, in worker processes with 10 s and 512 MiB per case.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../fuzz/runner';
import { onnxSeedPaths } from '../fuzz/seeds';

const CASES = 200;
const SEED = 1313;

describe.skipIf(onnxSeedPaths().length === 0)('seeded ONNX fuzz run (issue 13)', () => {
  it(`${CASES} cases and the crafted ONNX ones: no crash, no timeout, no case past 512 MiB`, async () => {
    const summary = await runFuzz({
      cases: CASES,
      seed: SEED,
      targets: 'onnx',
      crafted: true,
      findingsDir: null,
    });
    const findings = summary.findings.map(
      (f) => `${f.fuzzCase.id} (${f.fuzzCase.seedName}; ${f.fuzzCase.mutation}): ${f.finding}`,
    );
    expect(findings).toEqual([]);
    const crafted = summary.results.filter((r) => r.fuzzCase.crafted).map((r) => r.fuzzCase.crafted);
    expect(crafted.sort()).toEqual([
      'onnx-empty-nodes',
      'onnx-external-sparse-3gb',
      'onnx-external-symlink-out',
      'onnx-nested-graphs',
    ]);
    expect(summary.counts.successes).toBeGreaterThan(20);
    expect(summary.counts.rejections).toBeGreaterThan(20);
  }, 180_000);
});
