#!/usr/bin/env node
// `npm start`: build and open the desktop app. Electron's binary is fetched by its own install
// step, which an offline or script-less `npm install` skips; without it, electron-vite would try to
// download it and end in a stack trace. Say in one sentence what to do instead, and exit 1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

/** The Electron executable that `require('electron')` would return, or undefined when absent. */
export function electronBinary(dir = electronDir) {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let name;
  try {
    name = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
  } catch {
    name = undefined;
  }
  if (override)
    return fs.existsSync(path.join(override, name ?? 'electron'))
      ? path.join(override, name ?? 'electron')
      : undefined;
  if (!name) return undefined;
  const full = path.join(dir, 'dist', name);
  return fs.existsSync(full) ? full : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!electronBinary()) {
    process.stderr.write(
      "npm start needs Electron's binary, which is not installed: run `node node_modules/electron/install.js` " +
        'once with network access (or `npm rebuild electron`), or use `npx lowbit serve` for the same app in your browser.\n',
    );
    process.exit(1);
  }
  const bin = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  for (const step of [['build'], ['preview', ...process.argv.slice(2)]]) {
    const r = spawnSync(process.execPath, [bin, ...step], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
