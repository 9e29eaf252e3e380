/**
 * Peak memory of `lowbit run` on a model (issue 16, item 3), measured in a child process so the
 * bench's own allocations do not count: the real CLI runs with test/bench/peak-memory-hook.mjs,
 * which reports the kernel's peak resident set (maxRSS) at exit. A tiny model's run gives the
 * baseline (Node, tsx and the CLI), so the model's own share is the difference.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../support/shared';

export interface PeakMemory {
  maxRssBytes: number;
  heapTotalBytes: number;
  peakMallocedBytes: number;
  arrayBuffersBytes: number;
}

/** Runs `lowbit run MODEL --input ...` in a child process and returns what the hook reported. */
export function peakMemoryOfRun(modelPath: string, inputs: Uint8Array[], dir: string): PeakMemory {
  const files = inputs.map((bytes, i) => {
    const p = path.join(dir, `peak-in${i}.bin`);
    fs.writeFileSync(p, bytes);
    return p;
  });
  const hook = pathToFileURL(path.join(ROOT, 'test', 'bench', 'peak-memory-hook.mjs')).href;
  const args = ['--import', hook, path.join(ROOT, 'bin', 'lowbit.mjs'), 'run', modelPath];
  for (const f of files) args.push('--input', f);
  const child = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  if (child.status !== 0)
    throw new Error(`lowbit run failed (status ${child.status}): ${child.stderr.split('\n')[0]}`);
  const line = child.stderr.split('\n').find((l) => l.startsWith('LOWBIT_PEAK_MEMORY '));
  if (!line) throw new Error('the child reported no peak memory');
  return JSON.parse(line.slice('LOWBIT_PEAK_MEMORY '.length)) as PeakMemory;
}
