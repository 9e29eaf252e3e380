// Issue 5: `npm run train-demo` is reproducible, and the committed report's accuracy is what
// Lowbit's interpreter measures on the committed models. Retraining in full is too slow for the
// suite, so (a) checks determinism on a tiny fixed budget and (b) re-measures the committed
// models on Debian's full 10k test split (or, without Debian's package, on the shipped subset).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdxDataset } from '../../main/engine/datasets/dataset';
import { encodeIdxUint8 } from '../../main/engine/datasets/idx';
import { parsePreprocess, resolvePreprocess } from '../../main/engine/datasets/preprocess';
import { DEMO_RECIPES, DEMO_SEED, trainDemo } from '../../main/engine/train/demo';
import type { TrainData } from '../../main/engine/train/trainer';
import { interpreterPredictions } from '../../main/engine/train/verify';
import { demoAssets } from '../../main/datasets/demo-assets';
import { DEBIAN_FASHION_MNIST, findIdxPair, readIdxDirectory } from '../../main/datasets/idx-files';

const demo = path.join(import.meta.dirname, '..', '..', 'assets', 'demo');
const shipped = path.join(demo, 'fashion-mnist');
const debian = findIdxPair(DEBIAN_FASHION_MNIST, 't10k') !== null;
const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

function load(dir: string, split: 'train' | 't10k' | 'calibration', count?: number): TrainData {
  const set = readIdxDirectory(dir, split);
  const n = Math.min(count ?? set.count, set.count);
  const ds = new IdxDataset(set, resolvePreprocess(parsePreprocess('scale=0..1'), [1, 28, 28, 1]), dir);
  const inputs = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) inputs.set(ds.get(i).input, i * 784);
  return { inputs, labels: set.labels!.subarray(0, n), count: n };
}

describe('demo trainer determinism (tiny budget: 200 images, 1 epoch)', () => {
  // Debian's first 200 training images, or the shipped calibration images (the same images:
  // both are the start of the training split).
  let data: TrainData;
  beforeAll(() => {
    data = debian ? load(DEBIAN_FASHION_MNIST, 'train', 200) : load(shipped, 'calibration', 200);
  });

  for (const recipe of DEMO_RECIPES) {
    it(`${recipe.name}: same seed, byte-identical .tflite; another seed, different bytes`, () => {
      const a = trainDemo(recipe, data, DEMO_SEED, { epochs: 1 });
      const b = trainDemo(recipe, data, DEMO_SEED, { epochs: 1 });
      expect(a.tflite.length).toBeGreaterThan(10_000);
      expect(sha256(b.tflite)).toBe(sha256(a.tflite));
      expect(b.stats).toEqual(a.stats);
      const c = trainDemo(recipe, data, DEMO_SEED + 1, { epochs: 1 });
      expect(sha256(c.tflite)).not.toBe(sha256(a.tflite));
    });
  }
});

describe('committed demo models and train-report.json', () => {
  let report: any;
  let test: TrainData;
  beforeAll(() => {
    report = JSON.parse(fs.readFileSync(path.join(demo, 'train-report.json'), 'utf8'));
    test = debian ? load(DEBIAN_FASHION_MNIST, 't10k') : load(shipped, 't10k');
  });

  it('records the seed and both models', () => {
    expect(report.seed).toBe(DEMO_SEED);
    const assets = demoAssets();
    for (const f of [assets.model, assets.depthwiseModel, assets.report])
      expect(fs.existsSync(f), f).toBe(true);
    expect(report.models.map((m: { file: string }) => m.file)).toEqual(DEMO_RECIPES.map((r) => r.file));
  });

  for (const recipe of DEMO_RECIPES) {
    it(`${recipe.file}: the report's accuracy is what the interpreter measures ${debian ? 'on the full 10k test split' : 'on the shipped 2,000-image subset'}`, () => {
      const bytes = new Uint8Array(fs.readFileSync(path.join(demo, recipe.file)));
      const entry = report.models.find((m: { file: string }) => m.file === recipe.file);
      expect(sha256(bytes)).toBe(entry.sha256);
      const pred = interpreterPredictions(
        bytes,
        (i) => test.inputs.subarray(i * 784, (i + 1) * 784),
        test.count,
      );
      let correct = 0;
      for (let i = 0; i < test.count; i++) if (pred[i] === test.labels[i]) correct++;
      const claimed = debian ? entry.test : entry.shippedSubset;
      expect(test.count).toBe(claimed.total);
      expect(correct).toBe(claimed.correct);
      expect(correct / test.count).toBe(claimed.accuracy);
      // The trainer's forward pass and the interpreter agreed when the models were written.
      expect(entry.trainerInterpreterAgreement).toBeGreaterThanOrEqual(0.999);
      if (recipe.name === 'fashion_cnn') expect(claimed.accuracy).toBeGreaterThanOrEqual(0.85);
    });
  }

  it('the shipped subset is the first 2,000 test images and 500 held-out training images', () => {
    const sub = readIdxDirectory(shipped, 't10k');
    const cal = readIdxDirectory(shipped, 'calibration');
    expect([sub.count, cal.count]).toEqual([2000, 500]);
    if (!debian) return;
    const full = readIdxDirectory(DEBIAN_FASHION_MNIST, 't10k');
    expect(Buffer.from(sub.pixels).equals(Buffer.from(full.pixels.subarray(0, 2000 * 784)))).toBe(true);
    expect(Buffer.from(sub.labels!).equals(Buffer.from(full.labels!.subarray(0, 2000)))).toBe(true);
    const train = readIdxDirectory(DEBIAN_FASHION_MNIST, 'train');
    expect(Buffer.from(cal.pixels).equals(Buffer.from(train.pixels.subarray(0, 500 * 784)))).toBe(true);
  });
});

describe('train-demo script', () => {
  it('a bad --data directory: exit code 2, the file named, nothing written', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-bad-data-'));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-out-'));
    try {
      const images = encodeIdxUint8([10, 28, 28], new Uint8Array(7840));
      fs.writeFileSync(path.join(bad, 'train-images-idx3-ubyte'), images.subarray(0, 1000));
      fs.writeFileSync(path.join(bad, 'train-labels-idx1-ubyte'), encodeIdxUint8([10], new Uint8Array(10)));
      const repo = path.join(import.meta.dirname, '..', '..');
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/train-demo.ts', '--data', bad, '--out', out],
        {
          cwd: repo,
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`DATASET: ${path.join(bad, 'train-images-idx3-ubyte')}: truncated IDX data`);
      expect(fs.readdirSync(out)).toEqual([]);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
