/**
 * npm run train-demo [-- --data DIR] [-- --out DIR]
 *
 * Trains the two bundled demo models on Fashion-MNIST, deterministically and offline, writes them
 * as float32 .tflite, measures their accuracy on the full 10k test set with Lowbit's interpreter
 * (and checks that the trainer's own forward pass agrees), writes the shipped data subset and
 * assets/demo/train-report.json. Everything is computed before anything is written, so a failure
 * leaves the previous assets untouched.
 *
 * Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) or --data DIR holding
 * the four standard IDX files (plain or gzipped).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'fflate';
import { IdxDataset } from '../main/engine/datasets/dataset';
import type { IdxImageSet } from '../main/engine/datasets/idx';
import { encodeIdxUint8 } from '../main/engine/datasets/idx';
import { parsePreprocess, resolvePreprocess } from '../main/engine/datasets/preprocess';
import { toErrorInfo } from '../main/engine/errors';
import { DEMO_RECIPES, DEMO_SEED, trainDemo } from '../main/engine/train/demo';
import { evaluate, type TrainData } from '../main/engine/train/trainer';
import { DEBIAN_FASHION_MNIST, FASHION_MNIST_CLASSES, readIdxDirectory } from '../main/files/idx-files';
import { interpreterPredictions } from '../main/engine/train/verify';
import { writeFileAtomic } from '../main/files/write-file';

/** Samples at the start of the train split held out of training and shipped for calibration. */
const CALIBRATION_COUNT = 500;
/** Samples at the start of the test split shipped for the demo's evaluation. */
const SHIPPED_TEST_COUNT = 2000;

const log = (s: string) => process.stderr.write(`${s}\n`);
const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

function toTrainData(set: IdxImageSet, from: number, to: number): TrainData {
  const pre = resolvePreprocess(parsePreprocess('scale=0..1'), [1, 28, 28, 1]);
  const ds = new IdxDataset(set, pre, 'fashion-mnist');
  const count = to - from;
  const inputs = new Float32Array(count * 784);
  for (let i = 0; i < count; i++) inputs.set(ds.get(from + i).inputs[0]!, i * 784);
  return { inputs, labels: set.labels!.subarray(from, to), count };
}

function subsetFiles(set: IdxImageSet, count: number): { images: Uint8Array; labels: Uint8Array } {
  // mtime 0 and a fixed level keep the .gz bytes reproducible.
  const gz = (b: Uint8Array) => gzipSync(b, { level: 9, mtime: 0 });
  return {
    images: gz(encodeIdxUint8([count, set.height, set.width], set.pixels.subarray(0, count * 784))),
    labels: gz(encodeIdxUint8([count], set.labels!.subarray(0, count))),
  };
}

function main(): void {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    log('usage: npm run train-demo [-- --data DIR] [-- --out DIR]   (DIR: the four Fashion-MNIST IDX files)');
    return;
  }
  const dataDir = path.resolve(values.data ?? DEBIAN_FASHION_MNIST);
  const outDir = path.resolve(values.out ?? path.join(import.meta.dirname, '..', 'assets', 'demo'));
  log(`data: ${dataDir}`);
  const trainSet = readIdxDirectory(dataDir, 'train');
  const testSet = readIdxDirectory(dataDir, 't10k');
  for (const s of [trainSet, testSet]) {
    if (s.height !== 28 || s.width !== 28 || s.channels !== 1 || !s.labels)
      throw new Error(`${s.images}: expected labelled 28x28 grayscale images (Fashion-MNIST)`);
  }
  const train = toTrainData(trainSet, CALIBRATION_COUNT, trainSet.count);
  const test = toTrainData(testSet, 0, testSet.count);
  log(`train: ${train.count} images (train split minus its first ${CALIBRATION_COUNT}), test: ${test.count}`);

  const writes: [string, Uint8Array | string][] = [];
  const models = [];
  for (const recipe of DEMO_RECIPES) {
    const t0 = Date.now();
    let lastLog = 0;
    const r = trainDemo(recipe, train, DEMO_SEED, {
      onBatch: (epoch, done, total, loss) => {
        if (Date.now() - lastLog > 5000 || done === total) {
          lastLog = Date.now();
          log(`${recipe.name} epoch ${epoch + 1}/${recipe.epochs}: ${done}/${total} loss ${loss.toFixed(4)}`);
        }
      },
    });
    const trainSeconds = (Date.now() - t0) / 1000;
    const own = evaluate(r.net, test);
    const interp = interpreterPredictions(
      r.tflite,
      (i) => test.inputs.subarray(i * 784, (i + 1) * 784),
      test.count,
    );
    let correct = 0;
    let correctSubset = 0;
    let agree = 0;
    for (let i = 0; i < test.count; i++) {
      if (interp[i] === test.labels[i]) {
        correct++;
        if (i < SHIPPED_TEST_COUNT) correctSubset++;
      }
      if (interp[i] === own.predictions[i]) agree++;
    }
    log(
      `${recipe.name}: ${trainSeconds.toFixed(1)} s, interpreter accuracy ${(correct / 100).toFixed(2)}% ` +
        `(trainer ${(own.accuracy * 100).toFixed(2)}%, ${test.count - agree} predictions differ)`,
    );
    // Both sum in doubles and store float32, but in different orders: only a near-tie between
    // two logits can flip a prediction. Reported, and checked by test/integration/train-demo.
    if (agree !== test.count)
      log(
        `warning: ${recipe.name}: the interpreter and the trainer disagree on ${test.count - agree} test images`,
      );
    writes.push([path.join(outDir, recipe.file), r.tflite]);
    models.push({
      file: recipe.file,
      architecture: recipe.summary,
      bytes: r.tflite.length,
      sha256: sha256(r.tflite),
      parameters: r.net.params.reduce((n, p) => n + p.length, 0),
      epochs: recipe.epochs,
      batchSize: recipe.batchSize,
      optimizer: `adam lr=${recipe.learningRate}, x${recipe.decay} per epoch after the first`,
      history: r.stats.map((s) => ({
        epoch: s.epoch,
        meanLoss: round(s.meanLoss),
        trainAccuracy: round(s.trainAccuracy),
      })),
      trainSeconds,
      test: { split: 't10k', total: test.count, correct, accuracy: correct / test.count },
      shippedSubset: {
        total: SHIPPED_TEST_COUNT,
        correct: correctSubset,
        accuracy: correctSubset / SHIPPED_TEST_COUNT,
      },
      trainerAccuracy: own.accuracy,
      trainerInterpreterAgreement: agree / test.count,
    });
  }

  const sub = path.join(outDir, 'fashion-mnist');
  const testFiles = subsetFiles(testSet, SHIPPED_TEST_COUNT);
  const calibFiles = subsetFiles(trainSet, CALIBRATION_COUNT);
  writes.push(
    [path.join(sub, 't10k-images-idx3-ubyte.gz'), testFiles.images],
    [path.join(sub, 't10k-labels-idx1-ubyte.gz'), testFiles.labels],
    [path.join(sub, 'calibration-images-idx3-ubyte.gz'), calibFiles.images],
    [path.join(sub, 'calibration-labels-idx1-ubyte.gz'), calibFiles.labels],
  );
  const report = {
    generatedBy: 'npm run train-demo',
    seed: DEMO_SEED,
    data: {
      source: dataDir,
      files: [trainSet.images, trainSet.labelsFile!, testSet.images, testSet.labelsFile!].map((f) => ({
        name: path.basename(f),
        sha256: sha256(fs.readFileSync(f)),
      })),
      classes: FASHION_MNIST_CLASSES,
      training: `train split images ${CALIBRATION_COUNT}..${trainSet.count - 1} (${train.count})`,
      calibration: `train split images 0..${CALIBRATION_COUNT - 1}, held out of training`,
      evaluation: `full t10k split (${test.count}); shipped subset = its first ${SHIPPED_TEST_COUNT}`,
      preprocess: 'scale=0..1 (pixel / 255), NHWC [1,28,28,1]',
    },
    accuracyMeasuredWith: "Lowbit's interpreter on the written .tflite files",
    node: process.version,
    models,
  };
  writes.push([path.join(outDir, 'train-report.json'), JSON.stringify(report, null, 2) + '\n']);
  fs.mkdirSync(sub, { recursive: true });
  for (const [file, data] of writes) {
    writeFileAtomic(file, data);
    log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

try {
  main();
} catch (e) {
  const info = toErrorInfo(e);
  log(`train-demo: ${info.code}: ${info.message}`);
  process.exitCode = info.code === 'INTERNAL' ? 3 : 2;
}
