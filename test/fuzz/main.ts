/**
 * `npm run fuzz`: the long fuzz run. Options:
 *   --cases N      random and structure-aware cases (default 10000), plus the crafted ones
 *   --seed S       the run's seed (default 18); case k of seed S is always the same case
 *   --target T     models | onnx | datasets | all (default all; models includes ONNX)
 *   --workers N    worker processes (default: one per core)
 *   --timeout MS   per case (default 10000)
 *   --no-crafted   leave out the crafted cases
 *   --out DIR      where findings are saved (default fuzz-findings)
 *   --replay FILE  run one saved finding again and print its outcome in full
 * Prints a summary; exits 1 on any finding (crash, timeout, memory past 512 MiB, dead worker).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { caseFromJson, type TargetSelection } from './cases';
import { formatSummary, runFuzz, type CaseResult } from './runner';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '18' },
    target: { type: 'string', default: 'all' },
    workers: { type: 'string' },
    timeout: { type: 'string', default: '10000' },
    'no-crafted': { type: 'boolean', default: false },
    out: { type: 'string', default: 'fuzz-findings' },
    replay: { type: 'string' },
  },
});

const targets = values.target as TargetSelection;
if (!['models', 'onnx', 'datasets', 'all'].includes(targets)) {
  process.stderr.write(`--target must be models, onnx, datasets or all (got ${values.target})\n`);
  process.exit(1);
}

function describe(r: CaseResult): string {
  const c = r.fuzzCase;
  const o = r.outcome;
  const what =
    o.kind === 'rejected'
      ? `rejected [${o.code}] ${o.message}`
      : o.kind === 'crash'
        ? `CRASH ${o.error}\n${o.stack}`
        : o.kind;
  return `${c.id} ${c.format} (${c.seedName}; ${c.mutation.slice(0, 160)}): ${what}; ${r.ms.toFixed(0)} ms, peak ${(r.peakBytes / 2 ** 20).toFixed(0)} MiB`;
}

const replay = values.replay ? [caseFromJson(JSON.parse(fs.readFileSync(values.replay, 'utf8')))] : undefined;
const summary = await runFuzz({
  cases: Number(values.cases),
  seed: Number(values.seed),
  targets,
  crafted: !values['no-crafted'],
  only: replay,
  workers: values.workers ? Number(values.workers) : undefined,
  timeoutMs: Number(values.timeout),
  findingsDir: replay ? null : values.out,
  onProgress: (done, total) => {
    if (done % 500 === 0 || done === total) process.stderr.write(`fuzz: ${done}/${total}\n`);
  },
});
for (const r of summary.results) if (r.fuzzCase.crafted || replay) process.stdout.write(describe(r) + '\n');
process.stdout.write(formatSummary(summary) + '\n');
if (summary.findings.length > 0 && !replay)
  process.stdout.write(`findings saved in ${values.out}/ (replay: npm run fuzz -- --replay FILE)\n`);
process.exit(summary.findings.length > 0 ? 1 : 0);
