/**
 * Issue 2: browser mode end to end. A real `lowbit serve`, Debian's Chromium, the real model
 * files. Expected values come from the engine's reader (independent of the inspector report)
 * and, for the op counts, from TFLM's person_detect model as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { readTflite } from '../../main/engine/tflite/reader';
import { BuiltinOperator, TensorType } from '../../main/engine/tflite/model';
import { ROOT, readBytes, sharedPath } from '../support/shared';
import { expect, startServe, test, type ServeHost } from './fixtures';

const PERSON_DETECT = sharedPath('models', 'tflite-micro', 'person_detect.tflite');
const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

/** Ground truth straight from the flatbuffer: op names per operator, tensor dtypes. */
function truth(file: string) {
  const m = readTflite(readBytes(file));
  const sg = m.subgraphs[0];
  const opCounts: Record<string, number> = {};
  for (const op of sg.operators) {
    const oc = m.operatorCodes[op.opcodeIndex];
    const name = BuiltinOperator[Math.max(oc.builtinCode, oc.deprecatedBuiltinCode)];
    opCounts[name] = (opCounts[name] ?? 0) + 1;
  }
  const dtypes = sg.tensors.map((t) => TensorType[t.type].toLowerCase());
  return { opCounts, tensorCount: sg.tensors.length, dtypes, inputDtype: dtypes[sg.inputs[0]] };
}

async function shoot(page: Page, name: string, theme: 'light' | 'dark') {
  fs.mkdirSync(SHOTS, { recursive: true });
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
  await page.screenshot({ path: path.join(SHOTS, `${name}-${theme}.png`) });
}

async function openModel(page: Page, file: string, name = path.basename(file)) {
  await page
    .getByTestId('open-file-input')
    .setInputFiles({ name, mimeType: 'application/octet-stream', buffer: fs.readFileSync(file) });
}

test('start screen in both themes follows prefers-color-scheme', async ({ page, serve }) => {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(serve.url);
    await expect(page.getByTestId('start-view')).toBeVisible();
    await expect(page.getByTestId('drop-zone')).toBeVisible();
    await shoot(page, 'start', theme);
  }
});

test('person_detect through the file input: op table, tensor table, summary, size', async ({
  page,
  serve,
}) => {
  const t = truth(PERSON_DETECT);
  // The TFLM model as committed (the table in shared/README names the ops, the reader counts them).
  expect(t.opCounts).toEqual({
    CONV_2D: 14,
    DEPTHWISE_CONV_2D: 14,
    AVERAGE_POOL_2D: 1,
    RESHAPE: 1,
    SOFTMAX: 1,
  });

  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(serve.url);
  await openModel(page, PERSON_DETECT);
  await expect(page.getByTestId('inspector')).toBeVisible();

  const opTable = page.getByTestId('op-table');
  for (const [op, n] of Object.entries(t.opCounts)) {
    await expect(opTable.locator(`tr[data-op="${op}"] [data-testid="op-count"]`)).toHaveText(String(n));
  }
  await expect(opTable.locator('tbody tr')).toHaveCount(Object.keys(t.opCounts).length);

  const rows = page.getByTestId('tensor-table').getByTestId('tensor-row');
  await expect(rows).toHaveCount(t.tensorCount);
  const shown = await rows.getByTestId('tensor-dtype').allTextContents();
  expect(shown).toEqual(t.dtypes);
  expect(new Set(shown)).toEqual(new Set(['int8', 'int32']));
  expect(shown.filter((d) => d === 'int8').length).toBeGreaterThan(t.tensorCount / 2);

  const summary = page.getByTestId('model-summary');
  await expect(summary.getByTestId('summary-format')).toContainText('TFLite');
  await expect(summary.getByTestId('summary-size')).toContainText(
    `${fs.statSync(PERSON_DETECT).size.toLocaleString('en-US').replace(/,/g, '\u2009')} bytes`,
  );
  await expect(page.getByTestId('model-inputs')).toContainText('1×96×96×1');
  await expect(page.getByTestId('model-inputs')).toContainText(t.inputDtype);
  await expect(page.getByTestId('size-breakdown').locator('[data-segment="w-int8"]')).toBeVisible();

  await shoot(page, 'inspector', 'light');
  await page.getByTestId('theme-toggle').click();
  await shoot(page, 'inspector', 'dark');
});

test('tensor table sorts by bytes both ways and filters', async ({ page, serve }) => {
  await page.goto(serve.url);
  await openModel(page, PERSON_DETECT);
  const table = page.getByTestId('tensor-table');
  const bytes = async () =>
    await table
      .getByTestId('tensor-bytes')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bytes'))));

  await table.getByTestId('sort-bytes').click();
  await expect(table.locator('th[aria-sort="descending"]')).toHaveCount(1);
  const desc = await bytes();
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  // The largest constant is the last pointwise conv's 256x1x1x256 int8 kernel.
  expect(desc[0]).toBe(65536);
  await expect(table.getByTestId('tensor-row').first()).toContainText('Conv2d_13_pointwise/weights');

  await table.getByTestId('sort-bytes').click();
  await expect(table.locator('th[aria-sort="ascending"]')).toHaveCount(1);
  const asc = await bytes();
  expect(asc).toEqual([...desc].sort((a, b) => a - b));

  // Name: natural order (Conv2d_2 before Conv2d_10), as a person would sort.
  await table.getByTestId('sort-name').click();
  const byName = await table.locator('[data-testid="tensor-row"] td.name').allTextContents();
  expect(byName.map((n) => n.trim())).toEqual(
    [...byName.map((n) => n.trim())].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
  );
  expect(byName.findIndex((n) => n.includes('Conv2d_2_'))).toBeLessThan(
    byName.findIndex((n) => n.includes('Conv2d_10_')),
  );

  // Shape: biggest element count first.
  await table.getByTestId('sort-shape').click();
  const counts = (await table.getByTestId('tensor-shape').allTextContents()).map((s) =>
    s === 'scalar' ? 1 : s.split('×').reduce((a, d) => a * Number(d), 1),
  );
  expect(counts).toEqual([...counts].sort((a, b) => b - a));
  const largest = Math.max(
    ...readTflite(readBytes(PERSON_DETECT)).subgraphs[0].tensors.map((x) =>
      x.shape.reduce((a, d) => a * d, 1),
    ),
  );
  expect(counts[0]).toBe(largest);

  await page.getByTestId('tensor-filter').fill('1x96x96x1');
  await expect(table.getByTestId('tensor-row')).toHaveCount(1);
  await expect(table.getByTestId('tensor-row')).toContainText('input');

  await page.getByTestId('tensor-filter').fill('pointwise weights');
  const names = await table.locator('[data-testid="tensor-row"] td.name').allTextContents();
  expect(names.length).toBe(13);
  for (const n of names) expect(n).toMatch(/pointwise.*weights/);
  await expect(page.getByTestId('tensor-count')).toHaveText('13 of 89 tensors');
});

test('operator list in graph order; a tensor chip jumps to that tensor', async ({ page, serve }) => {
  const m = readTflite(readBytes(PERSON_DETECT));
  const sg = m.subgraphs[0];
  const order = sg.operators.map((op) => {
    const oc = m.operatorCodes[op.opcodeIndex];
    return BuiltinOperator[Math.max(oc.builtinCode, oc.deprecatedBuiltinCode)];
  });

  await page.goto(serve.url);
  await openModel(page, PERSON_DETECT);
  await expect(page.getByTestId('tab-operators')).toContainText(String(order.length));
  await page.getByTestId('tab-tensors').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-operators')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-operators')).toBeFocused();

  const rows = page.getByTestId('operator-list').getByTestId('operator-row');
  await expect(rows).toHaveCount(order.length);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-op')))).toEqual(order);

  await page.getByTestId('operator-filter').fill('softmax');
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('operator-count')).toHaveText(`1 of ${order.length} operators`);
  await page.getByTestId('operator-filter').fill('');
  await shoot(page, 'operators', (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark');

  // The last operator's output is the model output: its chip leads to that tensor.
  const last = sg.operators[sg.operators.length - 1];
  const out = last.outputs[0];
  await rows.last().locator('td.tensors').last().getByRole('button').first().click();
  await expect(page.getByTestId('tab-tensors')).toHaveAttribute('aria-selected', 'true');
  const row = page.locator(`[data-testid="tensor-row"][data-index="${out}"]`);
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(row).toBeInViewport();
  await expect(page.getByTestId('tensor-detail')).toContainText(String(sg.tensors[out].name));
});

test('per-axis quantization shows compactly and in full in the tensor details', async ({ page, serve }) => {
  const m = readTflite(readBytes(PERSON_DETECT));
  const sg = m.subgraphs[0];
  const idx = sg.tensors.findIndex((x) => (x.quantization?.scale.length ?? 0) > 1);
  expect(idx).toBeGreaterThanOrEqual(0);
  const q = sg.tensors[idx].quantization!;

  await page.goto(serve.url);
  await openModel(page, PERSON_DETECT);
  const row = page.locator(`[data-testid="tensor-row"][data-index="${idx}"]`);
  await expect(row).toContainText(`per-axis(${q.quantizedDimension}) ×${q.scale.length}`);
  await row.focus();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('tensor-detail');
  await expect(detail).toContainText(
    `per-axis on dimension ${q.quantizedDimension}, ${q.scale.length} channels`,
  );
  await expect(detail.getByTestId('per-axis-params').locator('.ch')).toHaveCount(q.scale.length);
  await shoot(
    page,
    'tensor-detail',
    (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark',
  );
  // Arrow keys move the selection to the next row in table order.
  await page.keyboard.press('ArrowDown');
  const next = page.locator(`[data-testid="tensor-row"][data-index="${idx + 1}"]`);
  await expect(next).toBeFocused();
  await expect(next).toHaveAttribute('aria-selected', 'true');
  await expect(detail).toContainText(`#${idx + 1}`);
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);
});

test('a truncated model and a non-model show the MODEL_FORMAT banner with advice', async ({
  page,
  serve,
}) => {
  await page.goto(serve.url);
  const full = fs.readFileSync(PERSON_DETECT);
  await page.getByTestId('open-file-input').setInputFiles({
    name: 'truncated.tflite',
    mimeType: 'application/octet-stream',
    buffer: full.subarray(0, 4096),
  });
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('data-code', 'MODEL_FORMAT');
  // Issue 17: no error codes or raw reader messages as the headline; plain words, the reader's kept as detail.
  await expect(banner).not.toContainText('MODEL_FORMAT');
  await expect(banner.getByTestId('error-message')).toContainText(
    'it is truncated: the file ends before the model does',
  );
  await expect(banner.getByTestId('error-message')).toContainText('This file is not a valid .tflite model:');
  await expect(page.getByTestId('start-view')).toBeVisible();
  await shoot(page, 'error', 'light');
  await page.getByTestId('theme-toggle').click();
  await shoot(page, 'error', 'dark');

  await page.getByTestId('open-file-input').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('hello, this is not a model at all'),
  });
  // Issue 17: plain words (which formats Lowbit opens), not the reader's; the raw text is the detail.
  await expect(banner.getByTestId('error-message')).toHaveText(
    'notes.txt is neither a TensorFlow Lite (.tflite) nor an ONNX (.onnx) model.',
  );
  await expect(banner.getByTestId('error-technical')).toContainText('file identifier');

  // A good model afterwards clears the error.
  await openModel(page, PERSON_DETECT);
  await expect(page.getByTestId('inspector')).toBeVisible();
  await expect(banner).toHaveCount(0);
});

test('the theme toggle is remembered across reloads until it lands back on the system theme', async ({
  page,
  serve,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(serve.url);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-toggle').click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('theme-toggle').click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  // Back on the system theme: the app follows the system again.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
});

test('keyboard: the drop zone opens the file chooser; Tab reaches the theme toggle', async ({
  page,
  serve,
}) => {
  await page.goto(serve.url);
  await page.getByTestId('drop-zone').focus();
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await chooser;
  await page.getByTestId('open-model').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('theme-toggle')).toBeFocused();
  const before = await page.locator('html').getAttribute('data-theme');
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '');
});

test('a file dropped on the drop zone opens, and a 3.9 MB model round-trips the bridge', async ({
  page,
  serve,
}) => {
  const file = sharedPath('models', 'tflite-micro', 'mobilenet_v2_quantized_1x3x224x224.tflite');
  const t = truth(file);
  await page.goto(serve.url);
  const b64 = fs.readFileSync(file).toString('base64');
  // Build a real DataTransfer holding the file in the page and drop it, as a user's drag would.
  await page.getByTestId('drop-zone').evaluate((zone, data) => {
    const bin = atob(data);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'mobilenet_v2.tflite', { type: 'application/octet-stream' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await expect(page.getByTestId('inspector')).toBeVisible();
  await expect(page.getByTestId('current-model')).toContainText('mobilenet_v2.tflite');
  await expect(page.getByTestId('tensor-table').getByTestId('tensor-row')).toHaveCount(t.tensorCount);
  for (const [op, n] of Object.entries(t.opCounts)) {
    await expect(
      page.locator(`[data-testid="op-table"] tr[data-op="${op}"] [data-testid="op-count"]`),
    ).toHaveText(String(n));
  }
  await expect(page.getByTestId('model-inputs')).toContainText('1×3×224×224');

  // And it still reads well on a large screen.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shoot(
    page,
    'inspector-1920',
    (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark',
  );
});

test('the page reports its host, and a page with a wrong token is refused with advice', async ({
  page,
  serve,
}) => {
  await page.goto(serve.url);
  await expect(page.getByTestId('app-info')).toContainText('browser mode');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  const wrong = serve.url.replace(/#token=.*/, '#token=not-the-token');
  await page.goto('about:blank');
  await page.goto(wrong);
  const banner = page.getByTestId('error-banner');
  await expect(banner).toHaveAttribute('data-code', 'HOST_DISCONNECTED');
  await expect(banner.getByTestId('error-message')).toContainText('could not connect to the Lowbit host');
  await expect(page.getByTestId('app-info')).toHaveCount(0);
});

test('a server that stops while the page is open is reported at once', async ({ page }) => {
  // Its own server: this one is stopped mid-test.
  const { host, child } = await startServe();
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('app-info')).toBeVisible();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    const banner = page.getByTestId('error-banner');
    await expect(banner).toHaveAttribute('data-code', 'HOST_DISCONNECTED');
    await expect(banner).toContainText('Restart `lowbit serve`');
  } finally {
    child.kill('SIGKILL');
  }
});

test('round-trip check runs as a background job and reports through job events', async ({ page, serve }) => {
  await page.goto(serve.url);
  await openModel(page, PERSON_DETECT);
  const verify = page.getByTestId('verify');
  await verify.getByTestId('verify-start').click();
  const result = verify.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-identical', 'true', { timeout: 30_000 });
  await expect(result).toContainText(
    `${fs.statSync(PERSON_DETECT).size.toLocaleString('en-US').replace(/,/g, '\u2009')} →`,
  );
  await expect(verify.getByTestId('verify-start')).toHaveText('Run again');
  await verify.scrollIntoViewIfNeeded();
  await shoot(page, 'verify', (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark');
});

// Its own serve process: the shared one may already list models other spec files opened by path
// (Playwright keeps one worker, and so one server, across files).
test('a model opened by path shows up in recent models and reopens from there', async ({ page }) => {
  const { host: serve, child } = await startServe();
  try {
    await recentModels(page, serve);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

async function recentModels(page: Page, serve: ServeHost): Promise<void> {
  await page.goto(serve.url);
  await expect(page.getByTestId('app-info')).toBeVisible();
  // Browser uploads have no path, so a fresh server has nothing to list.
  await expect(page.getByTestId('recent-models')).toHaveCount(0);

  // Another client of the same session (token + our origin) opens a model by path.
  const { default: WebSocket } = await import('ws');
  const u = new URL(serve.url);
  const ws = new WebSocket(`ws://${u.host}/ws?token=${serve.token}`, { origin: serve.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
  ws.send(JSON.stringify({ id: 1, method: 'model.open', args: { path: PERSON_DETECT } }));
  expect(JSON.parse(await reply).outcome.ok).toBe(true);
  ws.close();

  await page.reload();
  const recent = page.getByTestId('recent-models');
  await expect(recent).toContainText('person_detect.tflite');
  await expect(recent).toContainText(PERSON_DETECT);
  await recent.getByRole('button', { name: /person_detect\.tflite/ }).click();
  await expect(page.getByTestId('inspector')).toBeVisible();
  await expect(page.getByTestId('current-model')).toContainText('person_detect.tflite');
}
