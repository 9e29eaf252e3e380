/**
 * `lowbit serve` right after `npm install` on a fresh clone: the UI (renderer/dist) is not built
 * yet, so serve builds it once with Vite (a dev dependency, there after `npm install`) instead of
 * sending the user to a separate step. Where Vite is absent (an installed package), the message
 * says what is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LowbitError } from '../engine/errors';
import type { CliContext } from './command';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Vite's command-line entry in this checkout, when installed. */
function viteBin(): string | undefined {
  const bin = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  return existsSync(bin) && existsSync(path.join(ROOT, 'renderer', 'vite.config.ts')) ? bin : undefined;
}

/** Builds the renderer into `dist` when its index.html is missing; throws NOT_FOUND when it cannot. */
export async function ensureUiBuilt(dist: string, ctx: CliContext): Promise<void> {
  const index = path.join(dist, 'index.html');
  if (existsSync(index)) return;
  const vite = viteBin();
  if (!vite)
    throw new LowbitError(
      'NOT_FOUND',
      `the UI is not built (${index} is missing) and Vite is not installed to build it: run \`npm install\`, then \`npm run build:renderer\``,
    );
  ctx.log(`building the UI once (${index} is missing; about a minute)...`);
  const args = [vite, 'build', '--config', path.join(ROOT, 'renderer', 'vite.config.ts'), '--outDir', dist];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [...args, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const stop = () => child.kill('SIGTERM');
    ctx.signal.addEventListener('abort', stop, { once: true });
    child.on('close', (c) => {
      ctx.signal.removeEventListener('abort', stop);
      resolve({ code: c, output });
    });
  });
  if (code !== 0 || !existsSync(index))
    throw new LowbitError(
      'IO',
      `building the UI failed (exit ${code}); run \`npm run build:renderer\` to see why\n${output.trim().slice(-2000)}`,
    );
  ctx.log(`built the UI into ${dist}`);
}
