import type { Reporter, TestModule } from 'vitest/node';
import { PEER_NAMES, probePeer } from './peers.ts';

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, that any CI log reader
 * understands, then why tests were skipped: each "(skipped: ...)" reason a test or suite carries in
 * its name (test/support/peers.ts), once, with its count, the peers this machine lacks when other
 * tests were skipped, and the test files left out because ../shared is missing (vitest.config.ts).
 */
export default class SummaryReporter implements Reporter {
  constructor(private readonly options: { excluded?: { reason: string; files: string[] } } = {}) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const reasons = new Map<string, number>();
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else {
          skipped++;
          const why = skipReason(t.fullName);
          if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
        }
      }
    }
    const lines = [`\nunit: ${passed} passed, ${failed} failed, ${skipped} skipped`];
    for (const [why, n] of reasons) lines.push(`  skipped ${n}: ${why}`);
    // Tests gated on a peer without the reason in their name: say which peers this machine lacks.
    if (skipped > reasons.size) {
      const missing = PEER_NAMES.map(probePeer).filter((p) => !p.ok && !reasons.has(p.why.slice(10, -1)));
      for (const p of missing) lines.push(`  missing here: ${p.why.slice('(skipped: '.length, -1)}`);
    }
    const ex = this.options.excluded;
    if (ex && ex.files.length) lines.push(`  skipped ${ex.files.length} test file(s): ${ex.reason}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
}

/** The text of "(skipped: ...)" in a test's full name (parentheses inside it balanced), if any. */
export function skipReason(name: string): string | undefined {
  const at = name.indexOf('(skipped: ');
  if (at < 0) return undefined;
  let depth = 0;
  for (let i = at; i < name.length; i++) {
    if (name[i] === '(') depth++;
    else if (name[i] === ')' && --depth === 0) return name.slice(at + '(skipped: '.length, i);
  }
  return undefined;
}
