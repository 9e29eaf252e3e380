// End-to-end tests: the browser-mode UI (`lowbit serve`) in Debian's Chromium, and an Electron
// smoke test that runs only where an Electron binary exists. Never `npx playwright install`:
// this project is offline and uses the system browser.
import { defineConfig } from '@playwright/test';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-output/e2e',
  workers: 1,
  fullyParallel: false,
  reporter: [['list'], ['./test/support/e2e-summary-reporter.ts']],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.LOWBIT_CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
