/**
 * The fuzz runner: a pool of worker processes (child.ts, one per core by default), each running
 * cases one after another, under a time limit and a memory limit measured for real. Typed arrays
 * live outside the V8 heap, so the heap size says little: before each case the runner writes "5"
 * to /proc/<pid>/clear_refs (which resets the peak resident set), after it reads VmHWM from
 * /proc/<pid>/status, and meanwhile it polls VmRSS and kills a worker that passes the kill
 * threshold (so a bomb cannot take the machine with it). A worker that dies, stalls or is killed
 * is a finding for its case and is replaced.
 *
 * Used by `npm run fuzz` (main.ts) and by the seeded run in npm test
 * (test/integration/fuzz.test.ts). Both fail on any finding.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  caseToJson,
  CaseFactory,
  craftedCases,
  prepareCase,
  type FuzzCase,
  type TargetSelection,
} from './cases';
import type { JobReply, JobRequest } from './child';
import type { Outcome } from './targets';

export interface FuzzOptions {
  /** Random and structure-aware cases (the crafted ones come on top). */
  cases: number;
  seed: number;
  targets: TargetSelection;
  /** Run the crafted cases of issue 18 first. */
  crafted: boolean;
  /** Run exactly these cases instead (replay). */
  only?: FuzzCase[];
  /** Worker processes; default one per core. */
  workers?: number;
  /** Per case; default 10 s. */
  timeoutMs?: number;
  /** Peak resident memory allowed per case (worker baseline included); default 512 MiB. */
  memoryLimitBytes?: number;
  /** Where findings are saved as replayable JSON; null saves nothing. */
  findingsDir?: string | null;
  onProgress?: (done: number, total: number) => void;
}

export type CaseOutcome =
  Outcome | { kind: 'timeout' } | { kind: 'memory'; killed: boolean } | { kind: 'died'; detail: string };

export interface CaseResult {
  fuzzCase: FuzzCase;
  outcome: CaseOutcome;
  ms: number;
  /** Peak resident set of the worker during the case (VmHWM), bytes. */
  peakBytes: number;
  /** Why the case is a finding, or null. */
  finding: string | null;
}

export interface FuzzSummary {
  results: CaseResult[];
  findings: CaseResult[];
  counts: {
    cases: number;
    successes: number;
    rejections: number;
    crashes: number;
    timeouts: number;
    overMemory: number;
    died: number;
  };
  peakMaxBytes: number;
  peakP99Bytes: number;
  slowest: CaseResult | null;
  /** The case with the highest peak memory. */
  heaviest: CaseResult | null;
  wallMs: number;
}

const MiB = 1024 * 1024;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child.ts');
const POLL_MS = 20;
/** A worker's resident set after a case above which it is replaced (a fresh one is ~150 MiB). */
const RECYCLE_ABOVE_BYTES = 320 * MiB;

function procField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** One worker process; replaced when it dies or is killed. */
class Worker {
  private child: ChildProcess | null = null;
  private nextId = 0;
  private stderrTail = '';

  constructor(
    private readonly dir: string,
    private readonly timeoutMs: number,
    private readonly memoryLimit: number,
  ) {}

  private async spawn(): Promise<ChildProcess> {
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.stderrTail = '';
    child.stderr!.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString()).slice(-2000);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) =>
        reject(new Error(`fuzz worker exited (${code}) before it was ready: ${this.stderrTail}`)),
      );
    });
    child.removeAllListeners('exit');
    this.child = child;
    return child;
  }

  async run(c: FuzzCase): Promise<CaseResult> {
    const child = this.child ?? (await this.spawn());
    const caseDir = path.join(this.dir, 'case');
    fs.rmSync(caseDir, { recursive: true, force: true });
    fs.mkdirSync(caseDir, { recursive: true });
    const job = prepareCase(c, caseDir);
    const pid = child.pid!;
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const id = this.nextId++;
    const t0 = performance.now();
    let polled = 0;
    const outcome = await new Promise<CaseOutcome>((resolve) => {
      const done = (o: CaseOutcome) => {
        clearInterval(poll);
        child.removeListener('message', onMessage);
        child.removeListener('exit', onExit);
        resolve(o);
      };
      const onMessage = (reply: JobReply) => {
        if (reply.id === id) done(reply.outcome);
      };
      const onExit = (code: number | null, signal: string | null) =>
        done({
          kind: 'died',
          detail: `exit ${code ?? signal}: ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}`,
        });
      const poll = setInterval(() => {
        polled = Math.max(polled, procField(pid, 'VmRSS'));
        if (polled > this.memoryLimit * 2) {
          this.kill();
          done({ kind: 'memory', killed: true });
        } else if (performance.now() - t0 > this.timeoutMs) {
          this.kill();
          done({ kind: 'timeout' });
        }
      }, POLL_MS);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, job } satisfies JobRequest);
    });
    const ms = performance.now() - t0;
    // A killed or dead worker has no /proc entry left: its last polled RSS is the best figure.
    const peakBytes = this.child ? procField(pid, 'VmHWM') : polled;
    if (outcome.kind === 'died') this.child = null;
    // A worker that kept memory after its GC would charge it to the next case: replace it.
    else if (this.child && procField(pid, 'VmRSS') > RECYCLE_ABOVE_BYTES) this.kill();
    return { fuzzCase: c, outcome, ms, peakBytes, finding: findingOf(outcome, peakBytes, this.memoryLimit) };
  }

  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}

function findingOf(o: CaseOutcome, peakBytes: number, limit: number): string | null {
  switch (o.kind) {
    case 'crash':
      return `crash: ${o.error}`;
    case 'timeout':
      return 'timeout';
    case 'memory':
      return `memory: killed past ${Math.round((2 * limit) / MiB)} MiB`;
    case 'died':
      return `worker died: ${o.detail}`;
    default:
      return peakBytes > limit ? `memory: peak ${Math.round(peakBytes / MiB)} MiB` : null;
  }
}

function saveFinding(dir: string, seed: number, r: CaseResult): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.fuzzCase.id.replace(/[^\w.-]+/g, '_')}.json`);
  const { fuzzCase, ...result } = r;
  fs.writeFileSync(file, JSON.stringify({ seed, case: caseToJson(fuzzCase), result }, null, 1));
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const t0 = performance.now();
  const limit = options.memoryLimitBytes ?? 512 * MiB;
  const factory = options.only ? null : new CaseFactory(options.seed, options.targets);
  const crafted = options.only || !options.crafted ? [] : craftedCases(options.targets);
  const total = options.only ? options.only.length : crafted.length + options.cases;
  const caseAt = (k: number): FuzzCase =>
    options.only ? options.only[k]! : k < crafted.length ? crafted[k]! : factory!.caseAt(k - crafted.length);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-fuzz-'));
  const n = Math.max(1, Math.min(options.workers ?? os.availableParallelism(), total));
  const workers = Array.from(
    { length: n },
    (_, k) => new Worker(path.join(root, `w${k}`), options.timeoutMs ?? 10_000, limit),
  );
  const results: CaseResult[] = new Array(total);
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      workers.map(async (w) => {
        while (next < total) {
          const k = next++;
          const r = await w.run(caseAt(k));
          results[k] = r;
          if (r.finding && options.findingsDir) saveFinding(options.findingsDir, options.seed, r);
          options.onProgress?.(++done, total);
        }
      }),
    );
  } finally {
    workers.forEach((w) => w.kill());
    fs.rmSync(root, { recursive: true, force: true });
  }
  return summarize(results, performance.now() - t0);
}

function summarize(results: CaseResult[], wallMs: number): FuzzSummary {
  const count = (kind: CaseOutcome['kind']) => results.filter((r) => r.outcome.kind === kind).length;
  const peaks = results.map((r) => r.peakBytes).sort((a, b) => a - b);
  const most = (key: (r: CaseResult) => number) =>
    results.reduce<CaseResult | null>((s, r) => (s === null || key(r) > key(s) ? r : s), null);
  return {
    results,
    findings: results.filter((r) => r.finding !== null),
    counts: {
      cases: results.length,
      successes: count('success'),
      rejections: count('rejected'),
      crashes: count('crash'),
      timeouts: count('timeout'),
      overMemory: results.filter((r) => r.finding?.startsWith('memory')).length,
      died: count('died'),
    },
    peakMaxBytes: peaks[peaks.length - 1] ?? 0,
    peakP99Bytes: peaks[Math.min(peaks.length - 1, Math.floor(peaks.length * 0.99))] ?? 0,
    slowest: most((r) => r.ms),
    heaviest: most((r) => r.peakBytes),
    wallMs,
  };
}

/** The summary as lines of text. */
export function formatSummary(s: FuzzSummary): string {
  const mb = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
  const c = s.counts;
  const lines = [
    `cases: ${c.cases}  successes: ${c.successes}  clean rejections: ${c.rejections}`,
    `crashes: ${c.crashes}  timeouts: ${c.timeouts}  over memory: ${c.overMemory}  workers died: ${c.died}`,
    `peak memory per case (worker RSS): max ${mb(s.peakMaxBytes)}${s.heaviest ? ` (${s.heaviest.fuzzCase.id}, ${s.heaviest.fuzzCase.format})` : ''}, p99 ${mb(s.peakP99Bytes)}`,
    s.slowest
      ? `slowest case: ${s.slowest.fuzzCase.id} (${s.slowest.fuzzCase.format}) ${s.slowest.ms.toFixed(0)} ms`
      : 'slowest case: -',
    `wall time: ${(s.wallMs / 1000).toFixed(1)} s`,
  ];
  for (const f of s.findings.slice(0, 50))
    lines.push(
      `FINDING ${f.fuzzCase.id} [${f.fuzzCase.format}, ${f.fuzzCase.seedName}; ${f.fuzzCase.mutation.slice(0, 120)}]: ${f.finding}`,
    );
  if (s.findings.length > 50) lines.push(`... and ${s.findings.length - 50} more findings`);
  return lines.join('\n');
}
