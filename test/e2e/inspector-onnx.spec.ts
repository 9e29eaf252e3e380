/**
 * Issue 13: the app's inspector on ONNX models, in browser mode (a real `lowbit serve`, Debian's
 * Chromium). The model is the committed PyTorch Fashion CNN quantized by `lowbit quantize
 * --technique dynamic` (int8 weights behind DequantizeLinear, which the TFLite converter does
 * not take: the inspector must still show it). Expected values come from the reader.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { readOnnx } from '../../main/engine/onnx/reader';
import { ROOT } from '../support/shared';
import { expect, test } from './fixtures';

const SHOTS = path.join(ROOT, 'test-output', 'screenshots');
const FASHION = path.join(ROOT, 'test', 'fixtures', 'onnx', 'fashion-cnn.onnx');

function quantizedFashion(): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-e2e-onnx-')), 'fashion-dynamic.onnx');
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'lowbit.mjs'), 'quantize', FASHION, '--technique', 'dynamic', '--out', out],
    {
      stdio: 'pipe',
    },
  );
  return out;
}

/** The page, and the quantization card (below the fold) on its own. */
async function shoot(page: Page, name: string, theme: 'light' | 'dark') {
  fs.mkdirSync(SHOTS, { recursive: true });
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
  await page.screenshot({ path: path.join(SHOTS, `${name}-${theme}.png`) });
  await page
    .getByTestId('onnx-quantization')
    .screenshot({ path: path.join(SHOTS, `${name}-quantization-${theme}.png`) });
}

test('a QDQ ONNX model: format, producer, symbolic dims, op table, quantization card', async ({
  page,
  serve,
}) => {
  const file = quantizedFashion();
  const model = readOnnx(fs.readFileSync(file), file);
  const opCounts: Record<string, number> = {};
  for (const n of model.nodes) opCounts[n.opType] = (opCounts[n.opType] ?? 0) + 1;
  expect(opCounts.DequantizeLinear).toBe(6);

  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(serve.url);
  await page.getByTestId('open-file-input').setInputFiles({
    name: 'fashion-dynamic.onnx',
    mimeType: 'application/octet-stream',
    buffer: fs.readFileSync(file),
  });
  await expect(page.getByTestId('inspector')).toBeVisible();

  const summary = page.getByTestId('model-summary');
  await expect(summary.getByTestId('summary-format')).toContainText(
    `ONNX (IR v${model.irVersion} · opset ${model.opset})`,
  );
  await expect(summary.getByTestId('summary-producer')).toHaveText(
    `${model.proto.producerName} ${model.proto.producerVersion}`,
  );
  await expect(page.getByTestId('model-inputs')).toContainText('batch×1×28×28');
  await expect(page.getByTestId('model-outputs')).toContainText('batch×10');

  const opTable = page.getByTestId('op-table');
  for (const [op, n] of Object.entries(opCounts))
    await expect(opTable.locator(`tr[data-op="${op}"] [data-testid="op-count"]`)).toHaveText(String(n));
  await expect(opTable.locator('tbody tr')).toHaveCount(Object.keys(opCounts).length);

  const rows = page.getByTestId('onnx-quantization').getByTestId('onnx-quant-row');
  await expect(rows).toHaveCount(6);
  for (const text of await rows.allTextContents()) {
    expect(text).toContain('DequantizeLinear');
    expect(text).toMatch(/int8/);
    expect(text).toMatch(/per-axis\(0\) ×(10|16|32)/);
  }

  await shoot(page, 'inspector-onnx', 'light');
  await page.getByTestId('theme-toggle').click();
  await shoot(page, 'inspector-onnx', 'dark');
});

test('a broken .onnx file shows the MODEL_FORMAT banner in ONNX words', async ({ page, serve }) => {
  await page.goto(serve.url);
  const full = fs.readFileSync(FASHION);
  await page.getByTestId('open-file-input').setInputFiles({
    name: 'truncated.onnx',
    mimeType: 'application/octet-stream',
    buffer: full.subarray(0, 3000),
  });
  const banner = page.getByTestId('error-banner');
  await expect(banner).toHaveAttribute('data-code', 'MODEL_FORMAT');
  await expect(banner.getByTestId('error-message')).toContainText(
    'This file is not a valid .onnx model: truncated.onnx: not a valid ONNX protobuf',
  );
});
