/**
 * Playwright fixtures for browser mode: one real `lowbit serve --port 0 --json --allow …` child process
 * per worker, and a page that fails the test if it makes any request that leaves 127.0.0.1.
 */
import { test as base, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import os from 'node:os';
import { ROOT, SHARED } from '../support/shared';
import { peer } from '../support/peers';

/**
 * The folders the tests' files live in, granted as a user would with `lowbit serve --allow`: the
 * repository, ../shared and the temp folder (datasets the tests write). The bundled demo needs no
 * grant: demo.open is main's own choice.
 */
const ALLOW = [ROOT, SHARED, os.tmpdir()];

export interface ServeHost {
  url: string;
  origin: string;
  token: string;
  /** stderr of the serve process so far, for failure messages. */
  stderr: () => string;
}

/** Starts `lowbit serve`; `env` adds variables (LOWBIT_SIMULATED_USB: a simulated USB bus). */
export async function startServe(
  env: Record<string, string> = {},
): Promise<{ host: ServeHost; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin/lowbit.mjs'),
      'serve',
      '--port',
      '0',
      '--json',
      ...ALLOW.flatMap((d) => ['--allow', d]),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`lowbit serve printed no URL within 30 s; stderr:\n${err}`)),
      30_000,
    );
    lines.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lowbit serve exited with ${code}; stderr:\n${err}`));
    });
  });
  const { url } = JSON.parse(first) as { url: string };
  const u = new URL(url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? '';
  return { host: { url, origin: u.origin, token, stderr: () => err }, child };
}

/** Debian's Chromium (or LOWBIT_CHROMIUM): missing, every e2e test skips saying so (fails in CI). */
const chromium = peer('chromium');

export const test = base.extend<{ chromiumPeer: void; offHostRequests: string[] }, { serve: ServeHost }>({
  // First of the automatic fixtures, so a missing browser skips the test before one is launched.
  chromiumPeer: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, testInfo) => {
      testInfo.skip(!chromium.ok, chromium.why);
      await use();
    },
    { auto: true },
  ],
  serve: [
    // Playwright reads fixture dependencies from the destructuring pattern; this one has none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { host, child } = await startServe();
      await use(host);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    { scope: 'worker' },
  ],
  // Every request the page makes must stay on 127.0.0.1 (or be a data: URL): no CDN, no fonts,
  // no telemetry. Checked after each test.
  offHostRequests: [
    async ({ page }, use) => {
      const off: string[] = [];
      page.on('request', (req) => {
        const url = req.url();
        if (!url.startsWith('data:') && new URL(url).hostname !== '127.0.0.1') off.push(url);
      });
      await use(off);
      expect(off, 'requests that left 127.0.0.1').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

/**
 * Screenshots of the page in both themes at the test's viewport (1280x800 unless it set another):
 * test-output/screenshots/<name>-light.png and -dark.png; and again at 1920x1080
 * (<name>-1920x1080-light.png, -dark.png), the viewport restored afterwards. A name that already
 * states its size (e.g. graph-mobilenet-1280x800) is shot at the viewport only.
 */
export async function shootBoth(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const shoot = async (file: string) => {
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await page.screenshot({ path: path.join(SHOTS, `${file}-${theme}.png`), fullPage: false });
    }
  };
  await shoot(name);
  const viewport = page.viewportSize();
  if (!/\d{3,4}x\d{3,4}/.test(name) && viewport && viewport.width !== 1920) {
    await page.setViewportSize({ width: 1920, height: 1080 });
    // One frame for the layout to follow the new size.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await shoot(`${name}-1920x1080`);
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
