/**
 * Issue 14: the inspector's Edge TPU tab in browser mode: the compatibility check on Coral's
 * DeepLab input model (64 of 72 ops on the Edge TPU, as the compiled model in ../shared shows),
 * and the compiled model's Edge TPU op. Screenshots of the panel in both themes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ROOT, sharedPath } from '../support/shared';
import { expect, test } from './fixtures';

const INPUT = sharedPath('models', 'coral', 'deeplabv3_mnv2_dm05_pascal_quant.tflite');
const COMPILED = sharedPath('models', 'coral', 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite');
const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

/**
 * In each theme, on a fresh page: opens `file`, shows the Edge TPU tab until `testId` is visible,
 * runs `checks`, then saves the screenshot `<shot>-<theme>.png`.
 */
async function inBothThemes(
  page: Page,
  url: string,
  file: string,
  testId: string,
  shot: string,
  checks: () => Promise<void>,
) {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    // A fresh page each time: going to the same URL again would only change the fragment.
    await page.goto('about:blank');
    await page.goto(url);
    await page.getByTestId('open-file-input').setInputFiles({
      name: path.basename(file),
      mimeType: 'application/octet-stream',
      buffer: fs.readFileSync(file),
    });
    await expect(page.getByTestId('inspector')).toBeVisible();
    // The inspector returns to the Tensors tab when its report arrives: click until the panel stays.
    await expect(async () => {
      await page.getByTestId('tab-edgetpu').click();
      await expect(page.getByTestId(testId)).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 20_000 });
    await checks();
    fs.mkdirSync(SHOTS, { recursive: true });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.screenshot({ path: path.join(SHOTS, `${shot}-${theme}.png`) });
  }
}

test.skip(!fs.existsSync(INPUT), '../shared/models/coral is absent');

test('Edge TPU tab: the check on DeepLab, in both themes', async ({ page, serve }) => {
  await inBothThemes(page, serve.url, INPUT, 'edgetpu-check', 'edgetpu-check', async () => {
    await expect(page.getByTestId('edgetpu-on-tpu')).toHaveText('64');
    await expect(page.getByTestId('edgetpu-on-cpu')).toHaveText('8');
    await expect(page.getByTestId('edgetpu-first-unmapped')).toContainText('RESIZE_BILINEAR #64');
    const rows = page.getByTestId('edgetpu-op');
    await expect(rows).toHaveCount(72);
    await expect(rows.nth(64)).toHaveAttribute(
      'data-status',
      'Operation is otherwise supported, but not mapped due to some unspecified limitation',
    );
    await expect(rows.nth(65).getByTestId('edgetpu-op-status')).toHaveText(
      'More than one subgraph is not supported',
    );
    await expect(page.getByTestId('edgetpu-compiler')).toBeVisible();
  });
});

test('Edge TPU tab: a compiled model shows its Edge TPU op, compiler, runtime and CPU ops', async ({
  page,
  serve,
}) => {
  await inBothThemes(page, serve.url, COMPILED, 'edgetpu-compiled', 'edgetpu-compiled', async () => {
    await expect(page.getByTestId('edgetpu-compiler-version')).toHaveText('cl/ (no build number recorded)');
    await expect(page.getByTestId('edgetpu-min-runtime')).toHaveText('12');
    await expect(page.getByTestId('edgetpu-cpu-ops')).toContainText('RESIZE_BILINEAR #1');
    await expect(page.getByTestId('edgetpu-check')).toHaveCount(0);
  });
});

test('wizard, Edge TPU target: uint8 or int8 I/O, then the check of the result', async ({ page, serve }) => {
  test.setTimeout(240_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(serve.url);
  await page.getByTestId('try-demo').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'summary');
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('data-unlabelled').click();
  await page.getByTestId('dataset-open').click();
  await expect(page.getByTestId('dataset-count')).toHaveText('500');
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('target-edgetpu').click();
  const panel = page.getByTestId('edgetpu-target');
  await expect(panel).toContainText('batch 1, static shapes');
  await expect(page.getByTestId('edgetpu-io-int8')).toContainText('Needs Edge TPU runtime 12 or newer');
  await expect(page.getByTestId('edgetpu-io-uint8')).toHaveAttribute('aria-checked', 'true');
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.screenshot({ path: path.join(SHOTS, `wizard-edgetpu-target-${theme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('priority-latency').click();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('plan-recommended')).toHaveAttribute('data-technique', 'int8');
  await expect(page.getByTestId('plan-run-summary')).toContainText('uint8 input/output');
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'results', { timeout: 180_000 });
  const check = page.getByTestId('edgetpu-check');
  await expect(check).toBeVisible();
  const rows = check.getByTestId('edgetpu-op');
  const n = await rows.count();
  expect(n).toBeGreaterThanOrEqual(6);
  await expect(page.getByTestId('edgetpu-on-tpu')).toHaveText(String(n));
  await expect(page.getByTestId('edgetpu-on-cpu')).toHaveText('0');
  await expect(check.locator('[data-status="Mapped to Edge TPU"]')).toHaveCount(n);
  await check.scrollIntoViewIfNeeded();
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.screenshot({ path: path.join(SHOTS, `wizard-edgetpu-results-${theme}.png`) });
  }
});
