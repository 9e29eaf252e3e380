import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { peer } from './test/support/peers.ts';
import { filesUsingShared, testFiles } from './test/support/peer-files.ts';

const ROOT = import.meta.dirname;
const INCLUDE_DIRS = ['main', 'preload', 'renderer/src', 'test/integration'];

// ../shared missing on a fresh clone: leave out the test files that read it, and say so in the
// summary. With LOWBIT_REQUIRE_PEERS=1 (CI) peer() throws instead, and the run fails.
const shared = peer('shared');
const excluded = shared.ok
  ? []
  : filesUsingShared(testFiles(ROOT, INCLUDE_DIRS)).map((f) => path.relative(ROOT, f));

export default defineConfig({
  test: {
    include: INCLUDE_DIRS.map((d) => `${d}/**/*.test.ts`),
    exclude: ['**/node_modules/**', ...excluded],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: [
      'default',
      [
        './test/support/summary-reporter.ts',
        { excluded: { reason: shared.why.replace(/^\(skipped: |\)$/g, ''), files: excluded } },
      ],
    ],
  },
});
