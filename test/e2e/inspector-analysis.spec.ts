/**
 * Issue 17, items 10 and 11: the inspector's Analysis tab on several shared models and the
 * inspector's details (per-channel parameters, op options, activation bytes, distinguishing
 * tensor names), in both themes at 1280×800 and 1920×1080. Expected figures come from the
 * papers' layer tables (test/support/reference-architectures.ts) and from `lowbit fit`'s own
 * arena (footprintFacts), not from the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { footprintFacts } from '../../main/engine/deploy/footprint-facts';
import { openModelFile } from '../../main/files/model-file';
import { mobilenetV1, mobilenetV2 } from '../support/reference-architectures';
import { readTflite } from '../../main/engine/tflite/reader';
import { ROOT, readBytes, sharedPath } from '../support/shared';
import { expect, shootBoth, test } from './fixtures';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

async function openModel(page: Page, file: string) {
  await page.getByTestId('open-file-input').setInputFiles({
    name: path.basename(file),
    mimeType: 'application/octet-stream',
    buffer: fs.readFileSync(file),
  });
  await expect(page.getByTestId('inspector')).toBeVisible();
}

async function openAnalysis(page: Page) {
  await page.getByTestId('tab-analysis').click();
  await expect(page.getByTestId('analysis-table')).toBeVisible({ timeout: 60_000 });
}

const arenaOf = (file: string) => {
  const { tflite, bytes } = openModelFile(file);
  return footprintFacts(tflite, bytes.length).arenaBytes;
};

const CASES = [
  {
    shot: 'analysis-person-detect',
    file: sharedPath('models', 'tflite-micro', 'person_detect.tflite'),
    macs: mobilenetV1(0.25, 96, 1, 2).macs,
    params: mobilenetV1(0.25, 96, 1, 2).params,
  },
  {
    shot: 'analysis-mobilenet-v2',
    file: sharedPath('models', 'tflite-micro', 'mobilenet_v2_quantized_1x3x224x224.tflite'),
    macs: mobilenetV2(224, 1000).macs,
    params: mobilenetV2(224, 1000).params,
  },
  {
    shot: 'analysis-mobilenet-v1-coral',
    file: sharedPath('models', 'coral', 'mobilenet_v1_0.25_128_quant.tflite'),
    macs: mobilenetV1(0.25, 128, 3, 1001).macs,
    params: mobilenetV1(0.25, 128, 3, 1001).params,
  },
];

for (const c of CASES) {
  test(`Analysis tab: ${path.basename(c.file)} — MACs of the architecture, peak = lowbit fit arena`, async ({
    page,
    serve,
  }) => {
    test.setTimeout(180_000);
    const arena = arenaOf(c.file);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      // A fresh page each time (going to the same URL only changes the hash).
      await page.goto('about:blank');
      await page.goto(serve.url);
      await openModel(page, c.file);
      await openAnalysis(page);
      await expect(page.getByTestId('analysis-macs')).toHaveAttribute('data-value', String(c.macs));
      await expect(page.getByTestId('analysis-params')).toHaveAttribute('data-value', String(c.params));
      await expect(page.getByTestId('analysis-peak')).toHaveAttribute('data-value', String(arena));
      await expect(page.getByTestId('analysis-peak-marker')).toBeVisible();
      await expect(page.getByTestId('analysis-chart')).toContainText('Operator (execution order)');
      await expect(page.getByTestId('analysis-chart')).toContainText('Bytes');
      const rows = page.getByTestId('analysis-row');
      const n = openModelFile(c.file).tflite.subgraphs[0]!.operators.length;
      await expect(rows).toHaveCount(n);
      // The rows' MACs add up to the total.
      const macs = (await rows
        .getByTestId('analysis-row-macs')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value') || 0)))) as number[];
      expect(macs.reduce((a, b) => a + b, 0)).toBe(c.macs);
      // No two layer cells read the same (distinguishing names, full name on hover).
      const names = await rows.locator('td.name').allTextContents();
      expect(new Set(names).size).toBe(names.length);
      await shootBoth(page, `${c.shot}-${size.width}x${size.height}`);
    }
  });
}

test('Analysis tab: an Edge TPU-compiled model says what it cannot count', async ({ page, serve }) => {
  await page.goto(serve.url);
  await openModel(page, sharedPath('models', 'coral', 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite'));
  await openAnalysis(page);
  await expect(page.getByTestId('analysis-note')).toContainText('compiled Edge TPU operator');
  await expect(page.getByTestId('analysis-macs')).toContainText('1 compiled op not counted');
  // The same arena as the uncompiled model: the peak is on the CPU operators after the segment.
  await expect(page.getByTestId('analysis-peak')).toHaveAttribute(
    'data-value',
    String(arenaOf(sharedPath('models', 'coral', 'deeplabv3_mnv2_dm05_pascal_quant.tflite'))),
  );
  await shootBoth(page, 'analysis-edgetpu-1280x800');
});

test('Analysis tab: ONNX through the format seam', async ({ page, serve }) => {
  await page.goto(serve.url);
  const file = path.join(ROOT, 'test', 'fixtures', 'onnx', 'fashion-cnn.onnx');
  await openModel(page, file);
  await openAnalysis(page);
  await expect(page.getByTestId('analysis-lowered')).toBeVisible();
  await expect(page.getByTestId('analysis-peak')).toHaveAttribute('data-value', String(arenaOf(file)));
  await shootBoth(page, 'analysis-onnx-1280x800');
});

// ------------------------------------------------------------------ item 11: inspector details

const PERSON = sharedPath('models', 'tflite-micro', 'person_detect.tflite');

test('inspector details: op options, distinguishing tensor names, activation bytes, per-channel table', async ({
  page,
  serve,
}) => {
  test.setTimeout(180_000);
  const sg = readTflite(readBytes(PERSON)).subgraphs[0]!;
  const perAxis = sg.tensors.findIndex((t) => (t.quantization?.scale.length ?? 0) > 1);
  const q = sg.tensors[perAxis]!.quantization!;
  const input = sg.inputs[0]!;
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.goto('about:blank');
    await page.goto(serve.url);
    await openModel(page, PERSON);

    // Activations show the bytes they take at run time: the 96×96×1 int8 input is 9,216 bytes.
    const inputBytes = page.locator(
      `[data-testid="tensor-row"][data-index="${input}"] [data-testid="tensor-bytes"]`,
    );
    await expect(inputBytes).toHaveAttribute('data-activation-bytes', String(96 * 96 * 1));
    await expect(inputBytes).toHaveText('9.0 KiB');

    // Per-channel parameters: a table with headers, every channel's scale and zero point.
    const row = page.locator(`[data-testid="tensor-row"][data-index="${perAxis}"]`);
    await row.click();
    const detail = page.getByTestId('tensor-detail');
    const table = detail.getByTestId('per-axis-params');
    await expect(table.locator('thead th')).toHaveText([
      'Channel',
      'Scale',
      'Zero point',
      'Channel',
      'Scale',
      'Zero point',
    ]);
    await expect(table.getByTestId('per-axis-row')).toHaveCount(Math.ceil(q.scale.length / 2));
    const cells = table.getByTestId('per-axis-row').first().locator('td');
    await expect(cells.nth(0)).toHaveText('0');
    await expect(cells.nth(1)).toHaveAttribute('title', String(q.scale[0]));
    await expect(cells.nth(2)).toHaveText(String(Number(q.zeroPoint[0] ?? 0)));
    await shootBoth(page, `inspector-details-tensor-${size.width}x${size.height}`);

    // Operators: options in words; op 0 is MobileNet's first 3×3 stride-2 layer (depthwise, ×8).
    await page.getByTestId('tab-operators').click();
    const ops = page.getByTestId('operator-list').getByTestId('operator-row');
    const first = ops.first().getByTestId('operator-options');
    await expect(first).toContainText('stride 2×2');
    await expect(first).toContainText('SAME');
    await expect(first).toContainText('fused RELU6');
    await expect(first).toContainText('depthMultiplier 8');
    await expect(ops.nth(27).getByTestId('operator-options')).toContainText('filter 3×3');

    // Chips: two different tensors never show the same text, and the full name is on hover.
    const chips = await page
      .getByTestId('operator-list')
      .locator('button.chip')
      .evaluateAll((els) =>
        els.map((e) => ({
          short: e.querySelector('[data-testid="tensor-chip-name"]')!.textContent!.trim(),
          full: e.getAttribute('title')!,
        })),
      );
    const byShort = new Map<string, Set<string>>();
    for (const c of chips) byShort.set(c.short, (byShort.get(c.short) ?? new Set()).add(c.full));
    for (const [short, fulls] of byShort) expect([short, fulls.size]).toEqual([short, 1]);
    expect(chips.some((c) => c.short.endsWith('/weights/read') && c.short.includes('Conv2d_'))).toBe(true);
    await shootBoth(page, `inspector-details-operators-${size.width}x${size.height}`);
  }
});
