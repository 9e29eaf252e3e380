import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** After Playwright's list: why tests were skipped (test/support/peers.ts reasons), once each with a count. */
export default class E2eSummaryReporter implements Reporter {
  private readonly reasons = new Map<string, number>();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    for (const a of test.annotations)
      if (a.type === 'skip' && a.description)
        this.reasons.set(a.description, (this.reasons.get(a.description) ?? 0) + 1);
  }

  onEnd(): void {
    for (const [why, n] of this.reasons)
      process.stdout.write(`  e2e skipped ${n}: ${why.replace(/^\(skipped: |\)$/g, '')}\n`);
  }
}
