/**
 * Issue 15, item 4: `finetune` end to end on Debian's Fashion-MNIST (dataset-fashion-mnist): the
 * bundled fashion_cnn trained for one more epoch (60k train, 10% held out for validation, batch
 * 32, seeded) with 1 and with 2 worker threads; reports images per second of the training loop
 * (forward + backward + Adam, validation excluded), the exported model's accuracy on the 10k
 * test split measured by Lowbit's interpreter against the shipped model's, and whether the two
 * runs wrote the same bytes. Not a test: a few minutes of CPU. Writes bench-output/train-finetune.json.
 *
 * usage: npx tsx test/bench/train-finetune.ts [--epochs N] [--lr X] [--workers 1,2] [--limit N]
 */
import fs from 'node:fs';
import path from 'node:path';
import { Interpreter } from '../../main/engine/interpreter/index';
import { readTflite } from '../../main/engine/tflite/reader';
import type { TflModel } from '../../main/engine/tflite/model';
import type { LabelledData } from '../../main/engine/train/api';
import { DEBIAN_FASHION_MNIST, readIdxDirectory } from '../../main/files/idx-files';
import { trainModelInThreads } from '../../main/jobs/train-pool/train-pool';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const epochs = Number(arg('epochs', '1'));
const lr = Number(arg('lr', '0.00025'));
const workerCounts = arg('workers', '1,2').split(',').map(Number);
const limit = Number(arg('limit', '0'));

const ROOT = path.resolve(import.meta.dirname, '../..');
const modelBytes = new Uint8Array(fs.readFileSync(path.join(ROOT, 'assets/demo/fashion_cnn.tflite')));

function labelled(split: 'train' | 't10k'): LabelledData {
  const set = readIdxDirectory(DEBIAN_FASHION_MNIST, split);
  const count = limit > 0 ? Math.min(limit, set.count) : set.count;
  const px = set.height * set.width;
  return {
    classes: 10,
    source: set.images,
    samples: {
      length: count,
      get: (i) => ({
        inputs: [Float32Array.from(set.pixels.subarray(i * px, (i + 1) * px), (v) => v / 255)],
        label: set.labels![i]!,
      }),
    },
  };
}

function accuracy(model: TflModel, data: LabelledData): number {
  const interp = Interpreter.create(model);
  let ok = 0;
  for (let i = 0; i < data.samples.length; i++) {
    const s = data.samples.get(i);
    interp.setInput(0, s.inputs[0]!);
    interp.invoke();
    const p = interp.output(0).data as Float32Array;
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    if (best === s.label) ok++;
  }
  return ok / data.samples.length;
}

const train = labelled('train');
const test = labelled('t10k');
const shipped = accuracy(readTflite(modelBytes), test);
console.log(
  `shipped fashion_cnn: test accuracy ${(shipped * 100).toFixed(2)}% (${test.samples.length} images)`,
);
const runs = [];
const bytes: Uint8Array[] = [];
for (const workers of workerCounts) {
  let tFirst = 0;
  let tLast = 0;
  let batches = 0;
  const t0 = Date.now();
  const r = await trainModelInThreads(readTflite(modelBytes), train, {
    recipe: [{ kind: 'finetune' }],
    epochs,
    batchSize: 32,
    learningRate: lr,
    valSplit: 0.1,
    seed: 1,
    workers,
    onBatch: (done) => {
      const now = performance.now();
      if (done === 1) tFirst = now;
      tLast = now;
      batches = done;
    },
    onEpoch: (e) =>
      console.log(
        `  workers ${workers} epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${(e.trainAccuracy * 100).toFixed(2)}%, val loss ${e.valLoss.toFixed(4)} acc ${(e.valAccuracy * 100).toFixed(2)}%, ${(e.ms / 1000).toFixed(1)} s`,
      ),
  });
  const trainImages = Math.round(train.samples.length * 0.9);
  // Batches 2..last: the first batch's time (thread start-up) is left out.
  const imagesPerSecond = ((batches - 1) * 32 * 1000) / (tLast - tFirst);
  const acc = accuracy(r.model, test);
  bytes.push(r.bytes);
  const run = {
    workers,
    imagesPerSecond: Math.round(imagesPerSecond),
    wallSeconds: (Date.now() - t0) / 1000,
    trainImages,
    bestEpoch: r.bestEpoch,
    testAccuracy: acc,
    shippedTestAccuracy: shipped,
    notWorse: acc >= shipped,
  };
  runs.push(run);
  console.log(
    `workers ${workers}: ${run.imagesPerSecond} images/s, test accuracy ${(acc * 100).toFixed(2)}% (shipped ${(shipped * 100).toFixed(2)}%)`,
  );
}
const identical = bytes.every((b) => Buffer.from(b).equals(Buffer.from(bytes[0]!)));
console.log(`same model bytes for every worker count: ${identical}`);
fs.mkdirSync(path.join(ROOT, 'bench-output'), { recursive: true });
fs.writeFileSync(
  path.join(ROOT, 'bench-output/train-finetune.json'),
  JSON.stringify(
    { epochs, learningRate: lr, batchSize: 32, runs, identicalAcrossWorkers: identical },
    null,
    2,
  ),
);
