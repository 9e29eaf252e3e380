import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Lowbit's version, from package.json (`lowbit --version`, and the host's hello for `lowbit serve`). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'));
  return pkg.version as string;
}
