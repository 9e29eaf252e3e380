/** `lowbit serve --port 0 --json …` as a child process, for the tests that run it as a user does. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './shared';

export interface ServeChild {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** The address it printed, token included. */
  url: string;
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the exit code. */
  exit: Promise<number | null>;
}

/** Starts the server (renderer from `dist`) and waits for the address it prints on stdout. */
export async function spawnServe(dist: string, args: string[] = []): Promise<ServeChild> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'lowbit.mjs'), 'serve', '--port', '0', '--json', ...args],
    { cwd: ROOT, env: { ...process.env, LOWBIT_RENDERER_DIST: dist }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exit.then((c) => reject(new Error(`serve exited ${c}: ${stderr}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return { child, url, stderr: () => stderr, exit };
}
