/**
 * Issue 14, item 3 in the app: the Edge TPU tab's compiler card in browser mode. Without the
 * compiler it says how to get it; with one (a `lowbit serve` started with
 * LOWBIT_EDGETPU_COMPILER pointing at a test peer for Coral's closed-source edgetpu_compiler,
 * test/support/edgetpu-compiler-peer.ts, which prints the compiler's real output formats and
 * copies the model the real compiler produced for DeepLab) it runs, shows the output as it comes,
 * cancels, and sets the compiler's result beside the prediction, disagreements marked, with Save.
 * Screenshots edgetpu-compile-{absent,running,result,differs,refused}-{light,dark}.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import {
  DEEPLAB_COMPILED,
  DEEPLAB_INPUT,
  DEEPLAB_LOG,
  DEEPLAB_LOG_DISAGREEING,
  DEEPLAB_STDOUT,
  DEEPLAB_STDOUT_DISAGREEING,
  FAILED_STDOUT,
  isAlive,
  writeCompilerPeer,
  type CompilerPeer,
} from '../support/edgetpu-compiler-peer';
import { expect, shootBoth, startServe, test, type ServeHost } from './fixtures';

test.skip(!fs.existsSync(DEEPLAB_INPUT), '../shared/models/coral is absent');

/** Opens DeepLab's input model from the file picker and shows the Edge TPU tab's compiler card. */
async function openCompilerCard(page: Page, url: string) {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(url);
  await page.getByTestId('open-file-input').setInputFiles({
    name: path.basename(DEEPLAB_INPUT),
    mimeType: 'application/octet-stream',
    buffer: fs.readFileSync(DEEPLAB_INPUT),
  });
  await expect(page.getByTestId('inspector')).toBeVisible();
  // The inspector returns to the Tensors tab when its report arrives: click until the panel stays.
  await expect(async () => {
    await page.getByTestId('tab-edgetpu').click();
    await expect(page.getByTestId('edgetpu-check')).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 20_000 });
  const card = page.getByTestId('edgetpu-compiler');
  await expect(card).toBeVisible();
  return card;
}

/** Scrolls `el` to the top of the Edge TPU panel (the check's table is above it). */
async function scrollToTop(el: ReturnType<Page['getByTestId']>) {
  await el.evaluate((e) => e.scrollIntoView({ block: 'start' }));
}

test('no compiler: the card says how to get it, and the check still works', async ({ page, serve }) => {
  const card = await openCompilerCard(page, serve.url);
  await expect(page.getByTestId('edgetpu-on-tpu')).toHaveText('64');
  const absent = card.getByTestId('edgetpu-compiler-absent');
  await expect(absent).toContainText('Lowbit never ships it');
  await expect(card.getByTestId('edgetpu-compiler-howto')).toContainText('apt-get install edgetpu-compiler');
  await expect(card.getByTestId('edgetpu-compiler-howto')).toContainText('Docker');
  await expect(card.getByTestId('compile-run')).toHaveCount(0);
  await card.getByTestId('edgetpu-compiler-apt').locator('summary').click();
  await expect(card.getByTestId('edgetpu-compiler-apt')).toContainText(
    'deb https://packages.cloud.google.com/apt coral-edgetpu-stable main',
  );
  await card.getByTestId('edgetpu-compiler-docker').locator('summary').click();
  await expect(card.getByTestId('edgetpu-compiler-docker')).toContainText('--platform linux/amd64');
  await scrollToTop(card);
  await shootBoth(page, 'edgetpu-compile-absent');
});

test.describe('with a compiler', () => {
  let dir: string;
  let peer: CompilerPeer;
  let host: ServeHost;
  let child: ChildProcess;

  test.beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-e2e-compiler-'));
    peer = writeCompilerPeer(dir);
    ({ host, child } = await startServe({ LOWBIT_EDGETPU_COMPILER: peer.executable }));
  });
  test.afterAll(async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('run, cancel, compile, save, a disagreement, a refusal', async ({ page }) => {
    test.setTimeout(180_000);
    const card = await openCompilerCard(page, host.url);
    await expect(card.getByTestId('edgetpu-compiler-path')).toHaveText(peer.executable);
    // The -m choices run from 10 to the op table's runtime (14, compiler 16).
    await expect(card.getByTestId('compile-min-runtime').locator('option')).toHaveText([
      'compiler default',
      '10',
      '11',
      '12 (int8 I/O needs 12+)',
      '13',
      '14',
    ]);

    // A compiler that prints and then never finishes: its output shows, then Cancel stops it.
    peer.set('hang', DEEPLAB_STDOUT);
    await card.getByTestId('compile-run').click();
    const log = card.getByTestId('compile-log');
    await expect(log).toContainText('Edge TPU Compiler version 16.0.384591198');
    await expect(log).toContainText('Number of operations that will run on CPU: 8');
    await expect(card.getByTestId('compile-status')).toHaveAttribute('data-status', 'running');
    await expect(card.getByTestId('compile-min-runtime')).toBeDisabled();
    await scrollToTop(card);
    await shootBoth(page, 'edgetpu-compile-running');
    const pid = peer.childPid();
    expect(isAlive(pid)).toBe(true);
    await card.getByTestId('compile-cancel').click();
    await expect(card.getByTestId('compile-status')).toHaveAttribute('data-status', 'cancelled');
    await expect(card.getByTestId('compile-status')).toContainText('nothing was kept');
    await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);

    // The real run: -m 13, the compiler's table beside the prediction, all agreeing.
    peer.set('ok', DEEPLAB_STDOUT, DEEPLAB_LOG);
    await card.getByTestId('compile-min-runtime').selectOption('13');
    await card.getByTestId('compile-run').click();
    await expect(card.getByTestId('compile-status')).toHaveAttribute('data-status', 'compiled', {
      timeout: 60_000,
    });
    expect(peer.args().slice(0, 4)).toEqual(['-s', '-m', '13', '-o']);
    await expect(card.getByTestId('compile-totals')).toHaveAttribute('data-agree', 'true');
    await expect(card.getByTestId('compile-tpu')).toHaveText('64');
    await expect(card.getByTestId('compile-cpu')).toHaveText('8');
    const rows = card.getByTestId('compile-op');
    await expect(rows).toHaveCount(8);
    await expect(card.locator('[data-testid="compile-op"][data-agree="true"]')).toHaveCount(8);
    const resize = card.locator('[data-testid="compile-op"][data-op="RESIZE_BILINEAR"] td');
    await expect(resize).toHaveText(['RESIZE_BILINEAR', '0', '3', '0', '3', 'agree']);
    await expect(card.getByTestId('compile-min-runtime-result')).toHaveText('12');
    await expect(card.getByTestId('compile-compiled')).toContainText('RESIZE_BILINEAR #1');
    await scrollToTop(card.getByTestId('compile-status'));
    await shootBoth(page, 'edgetpu-compile-result');

    // Save: browser mode downloads the compiled model, byte for byte what the compiler wrote.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card.getByTestId('compile-save').click(),
    ]);
    expect(download.suggestedFilename()).toBe('deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite');
    const saved = path.join(dir, 'downloaded.tflite');
    await download.saveAs(saved);
    expect(fs.readFileSync(saved).equals(fs.readFileSync(DEEPLAB_COMPILED))).toBe(true);
    await expect(card.getByTestId('compile-saved')).toContainText('_edgetpu.tflite');

    // A compiler that maps one RESIZE_BILINEAR more than predicted: that row and the totals differ.
    peer.set('ok', DEEPLAB_STDOUT_DISAGREEING, DEEPLAB_LOG_DISAGREEING);
    await card.getByTestId('compile-show-ops').uncheck();
    await card.getByTestId('compile-run').click();
    await expect(card.getByTestId('compile-totals')).toHaveAttribute('data-agree', 'false', {
      timeout: 60_000,
    });
    expect(peer.args()[0]).toBe('-m'); // no -s
    await expect(card.getByTestId('compile-tpu')).toHaveText('65');
    await expect(card.locator('[data-testid="compile-op"][data-agree="false"]')).toHaveCount(1);
    await expect(resize).toHaveText(['RESIZE_BILINEAR', '0', '3', '1', '2', 'differs']);
    await scrollToTop(card.getByTestId('compile-status'));
    await shootBoth(page, 'edgetpu-compile-differs');

    // A compiler that refuses the model: its words and exit status, no table, no Save.
    peer.set('fail', FAILED_STDOUT);
    await card.getByTestId('compile-run').click();
    await expect(card.getByTestId('compile-status')).toHaveAttribute('data-status', 'refused', {
      timeout: 60_000,
    });
    await expect(card.getByTestId('compile-status')).toContainText('Compilation failed! (exit status 1)');
    await expect(card.getByTestId('compile-ops')).toHaveCount(0);
    await expect(card.getByTestId('compile-save')).toHaveCount(0);
    await expect(card.getByTestId('compile-output')).toContainText('Compilation failed!');
    await scrollToTop(card.getByTestId('compile-status'));
    await shootBoth(page, 'edgetpu-compile-refused');
  });
});
