/**
 * The Training view's data through the contract: datasets.open with `purpose: 'training'` and no
 * split reads an IDX folder's split in the order `lowbit train` does (train, else calibration, else
 * t10k; main/files/labelled-data.ts trainingSplit, the one function both use), and says which
 * split it read. Without a purpose the wizard's default stays the t10k (test) split.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type { DatasetHandle, DemoHandles, Outcome } from '../../main/contract/types';
import { ROOT } from '../support/shared';

const DEMO_DATA = path.join(ROOT, 'assets/demo/fashion-mnist');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-train-split-'));
const services = createServices({ mode: 'browser', version: '0.0.0-test', allowedFolders: [ROOT, tmp] });
afterAll(async () => {
  await services.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function call<T>(method: string, args: unknown): Promise<T> {
  const o: Outcome<unknown> = await services.handle(method, args);
  if (!o.ok) throw new Error(`${o.error.code}: ${o.error.message}`);
  return o.value as T;
}

/** A Fashion-MNIST folder with a train split (the demo's 500 calibration images) and its 2,000 t10k. */
function withTrainSplit(): string {
  const dir = path.join(tmp, 'fashion');
  fs.mkdirSync(dir, { recursive: true });
  for (const kind of ['images-idx3', 'labels-idx1']) {
    fs.copyFileSync(
      path.join(DEMO_DATA, `calibration-${kind}-ubyte.gz`),
      path.join(dir, `train-${kind}-ubyte.gz`),
    );
    fs.copyFileSync(path.join(DEMO_DATA, `t10k-${kind}-ubyte.gz`), path.join(dir, `t10k-${kind}-ubyte.gz`));
  }
  return dir;
}

describe('datasets.open for training', () => {
  it('reads the train split of an IDX folder that has one, not t10k, and names it', async () => {
    const demo = await call<DemoHandles>('demo.open', {});
    const dir = withTrainSplit();
    const open = (extra: object) =>
      call<DatasetHandle>('datasets.open', { modelId: demo.model.id, path: dir, labelled: true, ...extra });
    const train = (await open({ purpose: 'training' }))!;
    expect(train.split).toBe('train');
    expect(train.name).toBe('fashion (train)');
    expect(train.count).toBe(500);
    // An explicit split still wins.
    const test = (await open({ purpose: 'training', split: 't10k' }))!;
    expect([test.split, test.count]).toEqual(['t10k', 2000]);
    // The wizard's data step (no purpose): the t10k split, as before.
    const wizard = (await open({}))!;
    expect(wizard.split).toBeUndefined();
    expect(wizard.count).toBe(2000);
    // The demo folder has no train split: its 500 held-out training images (calibration).
    const d = (await call<DatasetHandle>('datasets.open', {
      modelId: demo.model.id,
      path: DEMO_DATA,
      labelled: true,
      purpose: 'training',
    }))!;
    expect([d.split, d.count]).toEqual(['calibration', 500]);
  });

  it('refuses an unknown purpose', async () => {
    const demo = await call<DemoHandles>('demo.open', {});
    const o = await services.handle('datasets.open', {
      modelId: demo.model.id,
      path: DEMO_DATA,
      purpose: 'x',
    });
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error.code).toBe('INVALID_ARGUMENT');
  });
});
