/**
 * Where Lowbit's own assets (demo model and data, board catalogue) are: beside the sources when
 * run from a checkout or npm install, under resources/assets in a packaged Electron app.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function assetPath(...parts: string[]): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) {
    const p = path.join(packaged, 'assets', ...parts);
    if (fs.existsSync(p)) return p;
  }
  // main/files/assets.ts -> project root
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  return path.join(root, 'assets', ...parts);
}
