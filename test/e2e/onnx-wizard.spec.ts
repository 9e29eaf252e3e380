/**
 * Issue 13, item 7: the wizard on an ONNX model in browser mode (a real `lowbit serve`, Debian's
 * Chromium, real jobs). The `.onnx` opens like a `.tflite`; the plan's first step is "convert to
 * TFLite" with the converter's report; the results start with the ONNX model scored by ONNX
 * Runtime (in the job's worker). Screenshots in both themes:
 * test-output/screenshots/onnx-wizard-<step>-<theme>.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ROOT } from '../support/shared';
import { expect, shootBoth, test } from './fixtures';

const MODEL = path.join(ROOT, 'test', 'fixtures', 'onnx', 'fashion-cnn.onnx');
const DATA = path.join(ROOT, 'assets', 'demo', 'fashion-mnist');
const JOB_MS = 150_000;

test.describe.configure({ timeout: 240_000 });

const next = (page: Page) => page.getByTestId('wizard-next').click();
const step = (page: Page, s: string) => expect(page.getByTestId('wizard')).toHaveAttribute('data-step', s);

test('an ONNX model: convert step with its report, ONNX Runtime reference row', async ({ page, serve }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(serve.url);
  await page.getByTestId('open-file-input').setInputFiles({
    name: 'fashion-cnn.onnx',
    mimeType: 'application/octet-stream',
    buffer: fs.readFileSync(MODEL),
  });
  await expect(page.getByTestId('inspector')).toBeVisible();
  await page.getByTestId('open-wizard').click();
  await step(page, 'summary');
  await expect(page.getByTestId('current-model')).toContainText('fashion-cnn.onnx');
  await expect(page.getByTestId('summary-format')).toContainText('ONNX');
  await shootBoth(page, 'onnx-wizard-summary');

  await next(page);
  await page.getByTestId('data-labelled').click();
  await page.getByTestId('dataset-path').fill(DATA);
  await page.getByTestId('dataset-split').selectOption('t10k');
  await page.getByTestId('dataset-open').click();
  await expect(page.getByTestId('dataset-count')).toHaveText('2000');
  await next(page);
  await page.getByTestId('target-edgetpu').click();
  await next(page);
  await page.getByTestId('priority-latency').click();
  await next(page);
  await step(page, 'recommend');
  const convert = page.getByTestId('plan-convert');
  await expect(convert).toBeVisible();
  await expect(convert.locator('h3')).toHaveText('Step 1: convert to TFLite');
  await expect(page.getByTestId('convert-summary')).toHaveText(
    /^21 ONNX nodes \(opset 13\) became \d+ TFLite operators$/,
  );
  await expect(page.getByTestId('convert-transposes')).toHaveText('0');
  await convert.locator('summary').click();
  await expect(page.getByTestId('convert-node')).toHaveCount(21);
  await expect(page.getByTestId('convert-node').first()).toContainText('Conv');
  await shootBoth(page, 'onnx-wizard-recommend');

  // Run on a CPU target (what the advisor recommends there) and read the results.
  await page.getByTestId('wizard-back').click();
  await page.getByTestId('wizard-back').click();
  await page.getByTestId('target-cpu').click();
  await next(page);
  await next(page);
  await step(page, 'recommend');
  await expect(page.getByTestId('plan-convert')).toBeVisible();
  const technique = (await page.getByTestId('plan-recommended').getAttribute('data-technique'))!;
  await next(page);
  await step(page, 'run');
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'results', { timeout: JOB_MS });
  const rows = page.getByTestId('results-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0).locator('td').first()).toHaveText('ONNX (ORT)');
  await expect(rows.nth(1)).toHaveAttribute('data-testid', 'result-row-float32');
  await expect(rows.nth(2)).toHaveAttribute('data-testid', `result-row-${technique}`);
  // The converted float model agrees with ONNX Runtime on every image.
  await expect(rows.nth(1).getByTestId('result-agreement')).toHaveText('100.00%');
  await expect(rows.nth(1).getByTestId('result-delta')).toHaveText('+0.00 pts');
  const accuracy = parseFloat((await rows.nth(0).getByTestId('result-accuracy').textContent())!);
  expect(accuracy).toBeGreaterThan(85);
  await shootBoth(page, 'onnx-wizard-results');
});
