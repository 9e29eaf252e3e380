/**
 * Sticky table headers stay flush with the top of whatever scrolls them (app.css: `table.data th
 * { position: sticky; top: 0 }`). Chromium insets a sticky box by its scroll container's padding,
 * so a padded scroll container left data rows showing above the header (the Training view's epoch
 * table, ~20 px). Each table here is scrolled under its header in a short window and measured with
 * getBoundingClientRect (test/e2e/sticky.ts); the Training table is checked in training.spec.ts,
 * the Devices view's in devices.spec.ts, the wizard's estimates in wizard-truth.spec.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { sharedPath } from '../support/shared';
import { shootBoth, expect, test } from './fixtures';
import { expectStickyHeaderFlush } from './sticky';

const PERSON_DETECT = sharedPath('models', 'tflite-micro', 'person_detect.tflite');
const DEEPLAB = sharedPath('models', 'coral', 'deeplabv3_mnv2_dm05_pascal_quant.tflite');

async function open(page: Page, url: string, file: string) {
  await page.emulateMedia({ colorScheme: 'light' });
  // Short enough that the inspector's side column scrolls.
  await page.setViewportSize({ width: 1280, height: 420 });
  await page.goto(url);
  await page.getByTestId('open-file-input').setInputFiles({
    name: path.basename(file),
    mimeType: 'application/octet-stream',
    buffer: fs.readFileSync(file),
  });
  await expect(page.getByTestId('inspector')).toBeVisible();
}

test('inspector: the op table in the side column', async ({ page, serve }) => {
  await open(page, serve.url, PERSON_DETECT);
  await expectStickyHeaderFlush(page.getByTestId('op-table'));
  await shootBoth(page, 'sticky-op-table-1280x420');
});

test('inspector: the per-axis table in the tensor details', async ({ page, serve }) => {
  await open(page, serve.url, PERSON_DETECT);
  // A per-axis quantized tensor's details: a row per two of its 128 channels.
  const row = page.getByTestId('tensor-row').filter({ hasText: 'per-axis(0) ×128' }).first();
  await row.focus();
  await page.keyboard.press('Enter');
  await expectStickyHeaderFlush(page.getByTestId('tensor-detail').getByTestId('per-axis-params'));
  await shootBoth(page, 'sticky-per-axis-1280x420');
});

test('inspector, Edge TPU tab: the per-op table of the check', async ({ page, serve }) => {
  test.skip(!fs.existsSync(DEEPLAB), '../shared/models/coral is absent');
  await open(page, serve.url, DEEPLAB);
  // The inspector returns to the Tensors tab when its report arrives: click until the panel stays.
  await expect(async () => {
    await page.getByTestId('tab-edgetpu').click();
    await expect(page.getByTestId('edgetpu-ops')).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('edgetpu-op')).toHaveCount(72);
  await expectStickyHeaderFlush(page.getByTestId('edgetpu-ops'), 400);
  await shootBoth(page, 'sticky-edgetpu-ops-1280x420');
});
