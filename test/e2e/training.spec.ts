/**
 * Issue 15: training in the app, browser mode (a real `lowbit serve`, Debian's Chromium, the real
 * train.run job on the bundled demo model): the wizard's "labelled data, retraining allowed" path
 * to the Training view, a live chart that gains real epoch points, Cancel (stops after the
 * current batch and offers the best model so far), Save (a download: nothing is written
 * otherwise), the trained model beside the post-training one, and screenshots of every new
 * screen in both themes (test-output/screenshots/train-*.png).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { hasRecipe } from '../../main/engine/train/recipes/registry';
import { ROOT } from '../support/shared';
import { expect, shootBoth, test } from './fixtures';
import { expectStickyHeaderFlush } from './sticky';

const DEMO = path.join(ROOT, 'assets', 'demo');
/** Whether this build's trainer has the QAT recipe (it comes from the train-qat branch). */
const QAT = hasRecipe('qat');
/** Real training: the demo CNN on 450 images an epoch, then two scorings of 2,000 test images. */
const JOB_MS = 180_000;

test.describe.configure({ timeout: 300_000 });

/** The demo, labelled test data, CPU, `priority`, retraining allowed: the Recommendation step. */
async function toRecommendation(page: Page, url: string, priority: 'accuracy' | 'size' | 'latency') {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(url);
  await page.getByTestId('try-demo').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'summary');
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('data-labelled').click();
  await page.getByTestId('dataset-split').selectOption('t10k');
  await page.getByTestId('dataset-open').click();
  await expect(page.getByTestId('dataset-count')).toHaveText('2000');
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('target-cpu').click();
  await page.getByTestId('wizard-next').click();
  await page.getByTestId(`priority-${priority}`).click();
  await page.getByTestId('retrain').check();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'recommend');
}

/** From the Recommendation step to the Training view with the demo's 500 held-out training images open. */
async function toTraining(page: Page) {
  await page.getByTestId('wizard-train').click();
  await expect(page.getByTestId('train-view')).toBeVisible();
  await expect(page.getByTestId('train-split')).toHaveValue('calibration');
  await page.getByTestId('train-open-data').click();
  await expect(page.getByTestId('train-data-count')).toHaveText('500');
}

/** Values of the chart's points for one chart and series, in epoch order. */
async function points(page: Page, chart: 'loss' | 'accuracy', series: 'train' | 'val'): Promise<number[]> {
  const pts = page.locator(`[data-testid="chart-point"][data-chart="${chart}"][data-series="${series}"]`);
  return await pts.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
}

test('labelled data + retraining: the advisor names QAT and leads to the Training view, prefilled', async ({
  page,
  serve,
}) => {
  await toRecommendation(page, serve.url, 'accuracy');
  const card = page.getByTestId('plan-training');
  await expect(card).toHaveAttribute('data-recipe', 'qat');
  await expect(card).toContainText('straight-through');
  await shootBoth(page, 'train-wizard-recommend');
  await toTraining(page);
  await expect(page.getByTestId('train-advice')).toContainText('Quantization-aware training');
  await expect(page.getByTestId('train-recipe')).toHaveValue('qat');
  await expect(page.getByTestId('train-epochs')).toHaveValue('3');
  await expect(page.getByTestId('train-batch')).toHaveValue('32');
  await expect(page.getByTestId('train-lr')).toHaveValue('0.001');
  await expect(page.getByTestId('train-val-split')).toHaveValue('0.1');
  await expect(page.getByTestId('train-evaluation')).toContainText('fashion-mnist (t10k) (2000');
  await expect(page.getByTestId('train-start')).toBeEnabled();
  await shootBoth(page, 'train-settings');
  await page.getByTestId('train-back').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'recommend');
});

test('training draws real epochs live, keeps the best, Save downloads it', async ({ page, serve }) => {
  const before = fs.readdirSync(DEMO).sort();
  await toRecommendation(page, serve.url, 'accuracy');
  await toTraining(page);
  // The recipe the advisor named when this build has it (train-qat), else a plain fine-tune.
  const recipe = (await page.getByTestId('train-recipe').inputValue()) === 'qat' && QAT ? 'qat' : 'finetune';
  await page.getByTestId('train-recipe').selectOption(recipe);
  // Enough epochs that the chart is seen mid-run: an epoch of the 450 demo samples takes a few
  // hundred milliseconds since training runs WebAssembly, so a 2-epoch run could end between polls.
  const EPOCHS = 20;
  await page.getByTestId('train-epochs').fill(String(EPOCHS));
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-view')).toHaveAttribute('data-status', /running|starting/);
  // The chart gains epochs' points while later epochs run: points and status read together.
  await expect
    .poll(
      () =>
        page.evaluate((epochs) => {
          const chart = document.querySelector('[data-testid="train-chart"]');
          const view = document.querySelector('[data-testid="train-view"]');
          const n = Number(chart?.getAttribute('data-points') ?? 0);
          return n >= 1 && n < epochs && view?.getAttribute('data-status') === 'running';
        }, EPOCHS),
      { timeout: JOB_MS },
    )
    .toBe(true);
  await page.getByTestId('train-chart').scrollIntoViewIfNeeded();
  await shootBoth(page, 'train-running');
  await expect(page.getByTestId('train-view')).toHaveAttribute('data-status', 'succeeded', {
    timeout: JOB_MS,
  });
  await expect(page.getByTestId('train-chart')).toHaveAttribute('data-points', String(EPOCHS));
  await expect(page.getByTestId('train-epoch-row')).toHaveCount(EPOCHS);
  // Scrolled under its header, the epoch table shows no row above it: the header sticks flush with
  // the top of the scrolling view, not 20 px below it.
  await expectStickyHeaderFlush(page.getByTestId('train-epochs-table'));
  await shootBoth(page, 'train-epochs-scrolled');
  for (const chart of ['loss', 'accuracy'] as const)
    for (const series of ['train', 'val'] as const) {
      const v = await points(page, chart, series);
      expect(v).toHaveLength(EPOCHS);
      for (const x of v) expect(Number.isFinite(x)).toBe(true);
      if (chart === 'accuracy')
        for (const x of v) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1);
        }
    }
  // The demo model is trained already: fine-tuning keeps validation accuracy well above chance.
  expect(Math.max(...(await points(page, 'accuracy', 'val')))).toBeGreaterThan(0.5);
  const best = Number(await page.getByTestId('train-best').textContent());
  expect(Number.isInteger(best) && best >= 1 && best <= EPOCHS).toBe(true);
  // Lowbit chose the threads (no count given) after timing batches here: the view says which.
  await expect(page.getByTestId('train-threads')).toHaveText(
    /^on (this thread|\d+ threads)(, the faster measured: [\d.]+ ms per batch here, [\d.]+ ms on \d+ threads| \([\d.]+ ms per batch; threads not measured: a short run\))$/,
  );
  await expect(page.getByTestId('train-chart-best')).toHaveCount(2);
  // Float and trained scored on the wizard's 2,000 test images, side by side.
  const compare = page.getByTestId('train-compare');
  await expect(compare.getByTestId('train-compare-float')).toContainText(
    'fashion-mnist (t10k), 2000 samples',
  );
  const trainedAcc = parseFloat(
    (await compare.getByTestId('train-compare-trained').getByTestId('train-compare-accuracy').textContent())!,
  );
  expect(trainedAcc).toBeGreaterThan(50);
  await page.getByTestId('train-compare').scrollIntoViewIfNeeded();
  await shootBoth(page, 'train-result');

  // Nothing was written by training; Save is a download of the trained model's bytes.
  expect(fs.readdirSync(DEMO).sort()).toEqual(before);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('train-save').click(),
  ]);
  expect(download.suggestedFilename()).toBe(`fashion_cnn_${recipe}.tflite`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-train-e2e-')), 'trained.tflite');
  await download.saveAs(file);
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(4, 8).toString('latin1')).toBe('TFL3');
  await expect(page.getByTestId('train-saved')).toHaveText(`Saved fashion_cnn_${recipe}.tflite`);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('Cancel stops after the current batch and offers the best model so far', async ({ page, serve }) => {
  await toRecommendation(page, serve.url, 'size');
  await expect(page.getByTestId('plan-training')).toHaveAttribute('data-recipe', 'prune:0.5,cluster:16,qat');
  await toTraining(page);
  await page.getByTestId('train-recipe').selectOption('finetune');
  // Enough epochs that Cancel always lands mid-run: an epoch of the 450 demo samples takes well
  // under a second, so the chart may already hold several points when it is first read.
  await page.getByTestId('train-epochs').fill('1000');
  await page.getByTestId('train-start').click();
  await expect
    .poll(async () => Number(await page.getByTestId('train-chart').getAttribute('data-points')), {
      timeout: JOB_MS,
    })
    .toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('train-eta')).not.toHaveText('—');
  await page.getByTestId('train-cancel').click();
  await expect(page.getByTestId('train-view')).toHaveAttribute('data-status', 'succeeded', {
    timeout: JOB_MS,
  });
  await expect(page.getByTestId('train-cancelled-note')).toBeVisible();
  const n = await page.getByTestId('train-epoch-row').count();
  expect(n).toBeGreaterThanOrEqual(1);
  expect(n).toBeLessThan(1000);
  await page.getByTestId('train-result').scrollIntoViewIfNeeded();
  await shootBoth(page, 'train-cancelled');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('train-save').click(),
  ]);
  expect(download.suggestedFilename()).toBe('fashion_cnn_finetune.tflite');
});

test('an IDX folder opened in the Training view reads its train split by default, as lowbit train does', async ({
  page,
  serve,
}) => {
  // A Fashion-MNIST folder with a train split (the demo's 500 held-out images) and its 2,000 t10k.
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-train-e2e-')), 'fashion');
  fs.mkdirSync(dir);
  for (const kind of ['images-idx3', 'labels-idx1']) {
    fs.copyFileSync(
      path.join(DEMO, 'fashion-mnist', `calibration-${kind}-ubyte.gz`),
      path.join(dir, `train-${kind}-ubyte.gz`),
    );
    fs.copyFileSync(
      path.join(DEMO, 'fashion-mnist', `t10k-${kind}-ubyte.gz`),
      path.join(dir, `t10k-${kind}-ubyte.gz`),
    );
  }
  await toRecommendation(page, serve.url, 'accuracy');
  await page.getByTestId('wizard-train').click();
  // The split control as the view starts when the wizard's data is not an IDX folder.
  await page.getByTestId('train-split').selectOption('');
  await page.getByTestId('train-data-path').fill(dir);
  await page.getByTestId('train-open-data').click();
  await expect(page.getByTestId('train-data-count')).toHaveText('500');
  await expect(page.getByTestId('train-split')).toHaveValue('train');
  await expect(page.getByTestId('train-data')).toContainText('fashion (train): 500 labelled samples');
  await shootBoth(page, 'train-split-default');
  // The demo folder has no train split: its calibration images, as `lowbit train` reads them.
  await page.getByTestId('train-split').selectOption('');
  await page.getByTestId('train-data-path').fill(path.join(DEMO, 'fashion-mnist'));
  await page.getByTestId('train-open-data').click();
  await expect(page.getByTestId('train-split')).toHaveValue('calibration');
  await expect(page.getByTestId('train-data-count')).toHaveText('500');
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('an unlabelled file is refused with the file named', async ({ page, serve }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-train-e2e-'));
  // One 28x28 sample as .npy, without labels.
  const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 28, 28), }";
  const pad = ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const h = Buffer.from(header + pad, 'latin1');
  const npy = Buffer.concat([
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 255, h.length >> 8]),
    h,
    Buffer.alloc(784),
  ]);
  const file = path.join(dir, 'x.npy');
  fs.writeFileSync(file, npy);
  await toRecommendation(page, serve.url, 'latency');
  await expect(page.getByTestId('plan-training')).toHaveAttribute('data-recipe', 'distill:0.5');
  await page.getByTestId('wizard-train').click();
  await page.getByTestId('train-data-path').fill(file);
  await page.getByTestId('train-split').selectOption('');
  await page.getByTestId('train-open-data').click();
  await expect(page.getByTestId('train-data-error')).toContainText('x.npy');
  await expect(page.getByTestId('train-start')).toBeDisabled();
  await shootBoth(page, 'train-data-error');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the trained model beside the post-training run, in the Training view and in the wizard results', async ({
  page,
  serve,
}) => {
  await toRecommendation(page, serve.url, 'latency');
  // The post-training run first: the advisor's int8 for CPU latency, calibrated on the labelled data.
  await expect(page.getByTestId('plan-recommended')).toHaveAttribute('data-technique', 'int8');
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'results', { timeout: JOB_MS });
  const postAcc = (await page.getByTestId('result-row-int8').getByTestId('result-accuracy').textContent())!;
  // Then training, from the Recommendation step's training card.
  await page.getByTestId('step-pill-recommend').click();
  await toTraining(page);
  await page.getByTestId('train-recipe').selectOption('finetune');
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-view')).toHaveAttribute('data-status', 'succeeded', {
    timeout: JOB_MS,
  });
  const compare = page.getByTestId('train-compare');
  await expect(compare.getByTestId('train-compare-post-training')).toContainText('int8');
  // The post-training row carries the run's own measured accuracy, on the same 2,000 test images.
  await expect(
    compare.getByTestId('train-compare-post-training').getByTestId('train-compare-accuracy'),
  ).toHaveText(postAcc);
  await expect(compare.getByTestId('train-compare-post-training')).toContainText(
    'fashion-mnist (t10k), 2000 samples',
  );
  await expect(compare.getByTestId('train-compare-trained')).toContainText(
    'fashion-mnist (t10k), 2000 samples',
  );
  // Back in the wizard (at the Recommendation), running int8 again leads to the results, which show
  // the trained model beside that run.
  await page.getByTestId('train-back').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'recommend');
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('wizard')).toHaveAttribute('data-step', 'results', { timeout: JOB_MS });
  await expect(page.getByTestId('train-compare')).toBeVisible();
  await page.getByTestId('train-compare').scrollIntoViewIfNeeded();
  await shootBoth(page, 'train-wizard-results');
});
