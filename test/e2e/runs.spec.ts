/**
 * Issue 17 items 3, 6 and 8 in browser mode (a real `lowbit serve`, Debian's Chromium, real
 * engine jobs on the bundled demo):
 *  3. "Keep float & re-run" on a microcontroller asks first (the integer-only requirement goes),
 *     keeps both runs and shows them side by side (arena, speed-up, accuracy…).
 *  6. No stale text after a re-run, a pick or a cancel; closing the model during a run or with
 *     unsaved runs asks first, in the page.
 *  8. Compare all that apply (one job), the runs table, the charts (both themes, 1280×800 and
 *     1920×1080), pick any run to export, the report (HTML, Markdown, JSON: the CLI's writers),
 *     save the session and reopen it.
 * Screenshots: test-output/screenshots/runs-*-{light,dark}.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Download, Page } from '@playwright/test';
import { ROOT } from '../support/shared';
import { expect, shootBoth, test } from './fixtures';

const DEMO_MODEL = path.join(ROOT, 'assets', 'demo', 'fashion_cnn.tflite');

/** Real jobs on 2 shared cores: generous. */
const JOB_MS = 240_000;
test.describe.configure({ timeout: 600_000 });

async function startDemo(page: Page, url: string) {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(url);
  await page.getByTestId('try-demo').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'summary');
}
const next = (page: Page) => page.getByTestId('wizard-next').click();
const step = (page: Page, s: string, timeout?: number) =>
  expect(page.getByTestId('wizard')).toHaveAttribute('data-step', s, timeout ? { timeout } : {});
const text = async (d: Download) => fs.readFileSync((await d.path())!, 'utf8');
async function download(page: Page, testid: string): Promise<Download> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return d;
}

/** Demo → unlabelled sample → Nucleo-F446RE → size: int8 with int8 I/O, run to the results. */
async function mcuInt8(page: Page, url: string) {
  await startDemo(page, url);
  await next(page);
  await page.getByTestId('data-unlabelled').click();
  await page.getByTestId('dataset-open').click();
  await expect(page.getByTestId('dataset-count')).toHaveText('500');
  await next(page);
  await page.getByTestId('target-mcu').click();
  await page.getByTestId('board-select').selectOption('nucleo-f446re');
  await next(page);
  await page.getByTestId('priority-size').click();
  await next(page);
  await expect(page.getByTestId('plan-recommended')).toHaveAttribute('data-technique', 'int8');
  await next(page);
  await step(page, 'results', JOB_MS);
}

test('item 3 and 6: keep float on a microcontroller asks first, keeps both runs side by side; no stale export names; close asks', async ({
  page,
  serve,
}) => {
  await mcuInt8(page, serve.url);
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('results-run')).toHaveText('#1 int8 (int8 I/O)');
  // Export the first run's container: its name is on screen.
  expect((await download(page, 'export-container')).suggestedFilename()).toBe('fashion_cnn_int8.lbm');
  await expect(page.getByTestId('exported')).toHaveText(/fashion_cnn_int8\.lbm/);

  // Keep the first convolution in float: asked first, in the page, in words.
  const conv = page
    .getByTestId('layer-row')
    .filter({ has: page.locator('td.name', { hasText: /^conv2d_0$/ }) });
  await conv.locator('[data-testid^="keep-float-"]').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('confirm-title')).toHaveText('Drop the integer-only requirement?');
  await expect(page.getByTestId('confirm-message')).toContainText('no longer integer-only');
  await expect(page.getByTestId('confirm-message')).toContainText('#1 int8 (int8 I/O) is kept');
  await shootBoth(page, 'runs-keep-float-confirm');
  // No: nothing runs, nothing changes.
  await page.getByTestId('confirm-cancel').click();
  await expect(dialog).toBeHidden();
  await step(page, 'results');
  await expect(rows).toHaveCount(1);
  // Yes: the re-run.
  await conv.locator('[data-testid^="keep-float-"]').click();
  await page.getByTestId('confirm-ok').click();
  await step(page, 'run');
  await step(page, 'results', JOB_MS);

  // Both runs kept, the new one shown; the old export name is gone (item 6).
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('run-label')).toHaveText([
    '#1 int8 (int8 I/O)•',
    '#2 int8 (int8 I/O), 1 layer in float•',
  ]);
  await expect(page.getByTestId('results-run')).toHaveText('#2 int8 (int8 I/O), 1 layer in float');
  await expect(page.getByTestId('exported')).toHaveCount(0);
  // The planner's arenas: 9.9 KiB integer-only, 39.6 KiB with conv2d_0 in float (as issue 17 measured).
  expect(await rows.evaluateAll((r) => r.map((x) => Number(x.getAttribute('data-arena'))))).toEqual([
    10144, 40560,
  ]);
  await expect(page.getByTestId('run-arena')).toHaveText(['9.9 KiB', '39.6 KiB']);
  await expect(page.getByTestId('run-integer-only')).toHaveText(['yes', 'no']);
  // Side by side: A = #1, B = #2.
  const side = page.getByTestId('side-by-side');
  await expect(side).toBeVisible();
  const line = (what: string) => side.locator(`[data-testid="side-line"][data-what="${what}"]`);
  await expect(line('Integer-only').getByTestId('side-a-value')).toHaveText('yes');
  await expect(line('Integer-only').getByTestId('side-b-value')).toHaveText('no');
  await expect(line('Integer-only').getByTestId('side-change')).toHaveText('requirement dropped');
  await expect(line('Tensor arena').getByTestId('side-a-value')).toHaveText('9.9 KiB');
  await expect(line('Tensor arena').getByTestId('side-b-value')).toHaveText('39.6 KiB');
  await expect(line('Tensor arena').getByTestId('side-change')).toHaveText('4.00× larger');
  const speedups = await rows.evaluateAll((r) => r.map((x) => Number(x.getAttribute('data-speedup'))));
  await expect(line('Speed-up vs float').getByTestId('side-a-value')).toHaveText(
    `${speedups[0]!.toFixed(2)}×`,
  );
  await expect(line('Speed-up vs float').getByTestId('side-b-value')).toHaveText(
    `${speedups[1]!.toFixed(2)}×`,
  );
  // Measured on the demo's labelled test images (the sample calibrates).
  await expect(line('Accuracy').getByTestId('side-a-value')).toHaveText(/^\d+\.\d\d%$/);
  await expect(line('Accuracy').getByTestId('side-change')).toHaveText(/^[+-]\d+\.\d\d pts$/);
  await expect(line('Agreement with float').getByTestId('side-a-value')).toHaveText(/^\d+\.\d\d%$/);
  await side.scrollIntoViewIfNeeded();
  await shootBoth(page, 'runs-side-by-side');

  // Pick run #1 again: its details, and export acts on its model.
  await rows.nth(0).getByTestId('run-pick').check();
  await expect(page.getByTestId('results-run')).toHaveText('#1 int8 (int8 I/O)');
  await expect(page.getByTestId('result-row-int8').getByTestId('result-arena')).toHaveAttribute(
    'data-bytes',
    '10144',
  );
  expect((await download(page, 'export-container')).suggestedFilename()).toBe('fashion_cnn_int8.lbm');
  await rows.nth(1).getByTestId('run-pick').check();
  await expect(page.getByTestId('exported')).toHaveCount(0); // #1's file name does not linger under #2
  expect((await download(page, 'export-container')).suggestedFilename()).toBe('fashion_cnn_int8_2.lbm');
  await expect(page.getByTestId('exported')).toHaveText(/fashion_cnn_int8_2\.lbm/);

  // Close with unsaved runs: asked in the page (never window.confirm); "Keep it open" keeps everything.
  const native: string[] = [];
  page.on('dialog', (d) => {
    native.push(d.message());
    void d.dismiss();
  });
  // Opening another model over unsaved runs asks too; "Keep it open" opens nothing.
  const other = {
    name: 'other.tflite',
    mimeType: 'application/octet-stream',
    buffer: fs.readFileSync(DEMO_MODEL),
  };
  await page.getByTestId('open-file-input').setInputFiles(other);
  await expect(page.getByTestId('confirm-title')).toHaveText(
    'Open other.tflite instead of fashion_cnn.tflite?',
  );
  await expect(page.getByTestId('confirm-message')).toContainText('2 runs are not saved');
  await expect(page.getByTestId('confirm-ok')).toHaveText('Open it and discard');
  await page.getByTestId('confirm-cancel').click();
  await expect(page.getByTestId('confirm-dialog')).toBeHidden();
  await expect(page.getByTestId('current-model')).toContainText('fashion_cnn.tflite');
  await expect(rows).toHaveCount(2);
  await page.getByTestId('close-model').click();
  await expect(page.getByTestId('confirm-title')).toHaveText('Close fashion_cnn.tflite?');
  await expect(page.getByTestId('confirm-message')).toContainText('2 runs are not saved');
  await shootBoth(page, 'runs-close-confirm');
  await page.keyboard.press('Escape'); // Escape is the safe answer
  await expect(page.getByTestId('confirm-dialog')).toBeHidden();
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('current-model')).toContainText('fashion_cnn.tflite');
  await page.getByTestId('close-model').click();
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('start-view')).toBeVisible();
  await expect(page.getByTestId('current-model')).toHaveCount(0);
  expect(native).toEqual([]);
});

test('item 6: after a cancel no stage is left running; closing during a run asks, cancels and closes', async ({
  page,
  serve,
}) => {
  await startDemo(page, serve.url);
  await next(page);
  await page.getByTestId('data-labelled').click();
  await page.getByTestId('dataset-open').click();
  await expect(page.getByTestId('dataset-count')).toHaveText('2000');
  await next(page);
  await page.getByTestId('target-edgetpu').click();
  await next(page);
  await page.getByTestId('priority-latency').click();
  await next(page);
  await next(page); // Run
  const stage = page.getByTestId('run-stage');
  await expect(stage).toHaveText(/calibrating|evaluating|debugging/, { timeout: JOB_MS });
  await page.getByTestId('run-cancel').click();
  await expect(page.getByTestId('run-panel')).toHaveAttribute('data-status', 'cancelled', {
    timeout: 30_000,
  });
  // The panel says how it ended; no "calibrating", no sample count, no "Running" title.
  await expect(stage).toHaveText('Cancelled');
  await expect(page.getByTestId('run-count')).toHaveText('—');
  await expect(page.getByTestId('run-title')).toHaveText(/^5\. Run int8$/);
  await expect(page.getByTestId('run-cancel')).toHaveCount(0);
  await shootBoth(page, 'runs-cancelled');
  // Run again, then close the model while it runs: asked first; going ahead cancels and closes.
  await page.getByTestId('run-again').click();
  await expect(page.getByTestId('run-title')).toHaveText(/^5\. Running int8$/);
  await expect(stage).toHaveText(/calibrating|evaluating|debugging/, { timeout: JOB_MS });
  await page.getByTestId('close-model').click();
  await expect(page.getByTestId('confirm-message')).toContainText('A run is in progress');
  await expect(page.getByTestId('confirm-ok')).toHaveText('Cancel the run and close');
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('start-view')).toBeVisible();
  // The demo again starts clean: no run panel, no runs from before.
  await page.getByTestId('try-demo').click();
  await step(page, 'summary');
  await expect(page.getByTestId('run-panel')).toHaveCount(0);
});

test('item 8: compare all that apply, table and charts, report in three formats, session saved and reopened', async ({
  page,
  serve,
}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-e2e-runs-'));
  try {
    await startDemo(page, serve.url);
    await next(page);
    await page.getByTestId('data-labelled').click();
    await page.getByTestId('dataset-open').click();
    await expect(page.getByTestId('dataset-count')).toHaveText('2000');
    await next(page);
    await page.getByTestId('target-cpu').click();
    await next(page);
    await page.getByTestId('priority-latency').click();
    await next(page);
    const compare = page.getByTestId('wizard-compare-all');
    await expect(compare).toHaveText(/^Compare all that apply \(\d\)$/);
    const n = Number((await compare.textContent())!.match(/\((\d)\)/)![1]);
    expect(n).toBeGreaterThanOrEqual(3);
    await compare.click();
    await step(page, 'run');
    await expect(page.getByTestId('run-title')).toHaveText(/^5\. Comparing all that apply: /);
    await step(page, 'results', JOB_MS);

    // One run per candidate, numbered in order; every one measured on the 2,000 labelled images.
    const rows = page.getByTestId('run-row');
    await expect(rows).toHaveCount(n);
    const labels = await page.getByTestId('run-label').allTextContents();
    labels.forEach((l, i) => expect(l).toMatch(new RegExp(`^#${i + 1} (float16|dynamic|int8|int16x8)`)));
    const acc = await rows.evaluateAll((r) => r.map((x) => Number(x.getAttribute('data-accuracy'))));
    for (const a of acc) expect(a).toBeGreaterThan(0.85);
    await expect(page.getByTestId('results-dataset')).toContainText('2000 samples');

    // The charts: axis titles with units, one point per distinct result plus the float model.
    const size = page.getByTestId('runs-chart-size');
    const latency = page.getByTestId('runs-chart-latency');
    await expect(size.getByTestId('axis-x')).toHaveText('Model size (KiB)');
    await expect(size.getByTestId('axis-y')).toHaveText('Top-1 accuracy (%)');
    await expect(latency.getByTestId('axis-x')).toHaveText(
      'Latency, median per inference on this machine (ms)',
    );
    await expect(size.getByTestId('chart-point')).toHaveCount(n + 1);
    await expect(size.locator('[data-label="float32"] title')).toHaveText(
      /^float32: \d+(\.\d+)? KiB, \d+(\.\d+)?%$/,
    );
    // A point picks its run.
    await size.locator('[data-label="#2"] circle').click();
    await expect(page.getByTestId('results-run')).toHaveText(labels[1]!.replace(/•$/, ''));
    // The per-run table shows that run against the float model only.
    await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(2);
    await size.locator('[data-label="#1"] circle').click();
    await expect(page.getByTestId('results-run')).toHaveText(labels[0]!.replace(/•$/, ''));
    await size.locator('[data-label="#1"] circle').hover();

    // Screenshots: the table and charts, both themes, two window sizes.
    await page.getByTestId('runs-panel').scrollIntoViewIfNeeded();
    await shootBoth(page, 'runs-table');
    await page.getByTestId('runs-charts').scrollIntoViewIfNeeded();
    await shootBoth(page, 'runs-charts');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByTestId('runs-panel').scrollIntoViewIfNeeded();
    await shootBoth(page, 'runs-table-1920');
    await page.getByTestId('runs-charts').scrollIntoViewIfNeeded();
    await shootBoth(page, 'runs-charts-1920');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The report, written by the CLI's writers: every run a row, after the float model.
    const html = await download(page, 'report-html');
    expect(html.suggestedFilename()).toBe('fashion_cnn_report.html');
    const h = await text(html);
    expect(h).toMatch(/^<!doctype html>/);
    for (const l of labels) expect(h).toContain(`<th scope="row">${l.replace(/•$/, '')}</th>`);
    const md = await text(await download(page, 'report-markdown'));
    expect(md).toContain(
      '| technique | size | ratio | gzip | accuracy | Δ pts | agreement | SQNR | latency median / p90 | threads | speed-up | arena |',
    );
    expect(md.split('\n').filter((l) => /^\| (float32|#\d)/.test(l))).toHaveLength(n + 1);
    const json = JSON.parse(await text(await download(page, 'report-json'))) as {
      rows: { technique: string; accuracy: number }[];
    };
    expect(json.rows.map((r) => r.technique)).toEqual(['float32', ...labels.map((l) => l.replace(/•$/, ''))]);
    expect(json.rows.slice(1).map((r) => r.accuracy)).toEqual(acc);
    await expect(page.getByTestId('runs-file-message')).toHaveText('Downloaded fashion_cnn_report.json');

    // Save the session: the runs are no longer unsaved, so closing does not ask.
    const session = await download(page, 'session-save');
    expect(session.suggestedFilename()).toBe('fashion_cnn.lowbit-session.json');
    const file = path.join(dir, 'fashion_cnn.lowbit-session.json');
    await session.saveAs(file);
    await expect(page.getByTestId('run-label').first()).not.toContainText('•');
    await page.getByTestId('close-model').click();
    await expect(page.getByTestId('start-view')).toBeVisible();

    // Reopen: the demo again, then the session file from the wizard's first step.
    await page.getByTestId('try-demo').click();
    await step(page, 'summary');
    await page.getByTestId('wizard-session-file').setInputFiles(file);
    await step(page, 'results');
    await expect(rows).toHaveCount(n);
    expect(await page.getByTestId('run-label').allTextContents()).toEqual(
      labels.map((l) => `${l.replace(/•$/, '')} (from file)`),
    );
    expect(await rows.evaluateAll((r) => r.map((x) => Number(x.getAttribute('data-accuracy'))))).toEqual(acc);
    await expect(page.getByTestId('runs-file-message')).toHaveText(
      `Opened fashion_cnn.lowbit-session.json: ${n} runs added`,
    );
    // A reopened run's model is real: pick it and download it.
    await rows.nth(0).getByTestId('run-pick').check();
    const model = await download(page, 'save-model');
    expect(
      fs
        .readFileSync((await model.path())!)
        .subarray(4, 8)
        .toString('latin1'),
    ).toBe('TFL3');
    // A damaged file is refused in words, naming where.
    const bad = path.join(dir, 'damaged.json');
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: { comparison: { samples: number } }[] };
    s.runs[0]!.comparison.samples = -1;
    fs.writeFileSync(bad, JSON.stringify(s));
    await page.getByTestId('session-file').setInputFiles(bad);
    await expect(page.getByTestId('runs-file-error')).toContainText('runs.0.comparison.samples');
    await expect(rows).toHaveCount(n);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
