/**
 * Training speed benchmark (issue 15), separate from `npm run bench`:
 *   npm run bench:train [-- --model fashion_cnn|fashion_dwcnn|all] [--threads 1,2] [--count N] [--data DIR]
 *
 * For each bundled demo model: one epoch of forward + backward + Adam at batch 32 on Fashion-MNIST
 * (default: the 60k train split with 10% held out for validation, so 54,000 training images), by
 * Lowbit's trainModel over N worker threads (trainModelInThreads, recipe `finetune`) and by PyTorch on the CPU
 * (test/bench/train-torch.py: Debian's python3-torch, torch.set_num_threads(N)) training the same
 * architecture, read from the .tflite (train-arch.ts) and started from the same weights, on the
 * same number of images, in the same run (one after the other, so they do not share the cores).
 * Thread counts: 1 and Lowbit's default worker count (the machine's cores), or --threads 1,2.
 *
 * Lowbit's images per second are taken between the end of its first batch and the end of its
 * last (the training loop; worker start-up, the validation pass and the export are reported
 * apart as the whole call's time); PyTorch's cover its whole training loop. Both models are then
 * scored on the test split (Lowbit's exported model by Lowbit's interpreter), as a check that both
 * trained. Prints a table with the ratio (goal: Lowbit within 3x of PyTorch) and writes
 * bench-output/bench-train.json. Not a test: timings depend on the machine and its load.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readTflite } from '../../main/engine/tflite/reader';
import { DEBIAN_FASHION_MNIST } from '../../main/files/idx-files';
import { trainModelInThreads } from '../../main/jobs/train-pool/train-pool';
import { ROOT } from '../support/shared';
import { describeArchitecture } from './train-arch';
import { labelled, lowbitAccuracy, readSplit, type Split } from './train-data';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'all' },
    threads: { type: 'string' },
    count: { type: 'string' },
    data: { type: 'string', default: DEBIAN_FASHION_MNIST },
  },
});
const MODELS = args.model === 'all' ? ['fashion_cnn', 'fashion_dwcnn'] : [args.model!];
/** Thread counts compared: 1 and Lowbit's default (the cores), or --threads 1,2,... */
const THREAD_COUNTS = args.threads
  ? args.threads.split(',').map(Number)
  : [...new Set([1, os.availableParallelism()])];
const BATCH = 32;
const VAL_SPLIT = 0.1;
const LR = 1e-3;
const SEED = 1;
/**
 * PyTorch runs once with OpenMP's default wait policy and once with OMP_WAIT_POLICY=PASSIVE, and
 * the faster run is its figure: on a loaded machine its spinning threads lose most of their time
 * (2 threads measured 6x slower than 1 here), on an idle one spinning wins. Both are reported.
 */
const OMP_POLICIES = ['default', 'PASSIVE'] as const;

interface Side {
  imagesPerSecond: number;
  seconds: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Lowbit only: the whole trainModel call (start-up, epoch, validation, export). */
  callSeconds?: number;
}

async function lowbitSide(
  name: string,
  bytes: Uint8Array,
  train: Split,
  test: Split,
  trainCount: number,
  threads: number,
) {
  let first = 0;
  let last = 0;
  let batches = 0;
  const t0 = performance.now();
  const result = await trainModelInThreads(readTflite(bytes), labelled(train), {
    recipe: [{ kind: 'finetune' }],
    epochs: 1,
    batchSize: BATCH,
    learningRate: LR,
    valSplit: VAL_SPLIT,
    seed: SEED,
    workers: threads,
    onBatch: (done, total) => {
      const now = performance.now();
      if (done === 1) first = now;
      if (done === total) last = now;
      batches = total;
    },
  });
  const callSeconds = (performance.now() - t0) / 1000;
  if (batches !== Math.ceil(trainCount / BATCH))
    throw new Error(`${name}: Lowbit ran ${batches} batches, expected ${Math.ceil(trainCount / BATCH)}`);
  const seconds = (last - first) / 1000;
  const e = result.epochs[0]!;
  return {
    imagesPerSecond: (trainCount - BATCH) / seconds,
    seconds,
    callSeconds,
    trainLoss: e.trainLoss,
    trainAccuracy: e.trainAccuracy,
    testAccuracy: lowbitAccuracy(result.bytes, test),
  } satisfies Side;
}

function torchSide(
  name: string,
  bytes: Uint8Array,
  trainCount: number,
  testCount: number,
  dir: string,
  threads: number,
  policy: (typeof OMP_POLICIES)[number],
) {
  const arch = describeArchitecture(readTflite(bytes), name);
  const weightsFile = path.join(dir, `${name}.weights.bin`);
  fs.writeFileSync(weightsFile, new Uint8Array(arch.weights.buffer));
  const specFile = path.join(dir, `${name}.json`);
  fs.writeFileSync(
    specFile,
    JSON.stringify({
      layers: arch.layers,
      weightsFile,
      data: args.data,
      trainCount,
      testCount,
      batch: BATCH,
      threads,
      lr: LR,
      seed: SEED,
      epochs: 1,
    }),
  );
  const out = execFileSync(path.join(import.meta.dirname, 'train-torch.py'), [specFile], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: policy === 'default' ? process.env : { ...process.env, OMP_WAIT_POLICY: policy },
  });
  return {
    summary: arch.summary,
    ompWaitPolicy: policy,
    ...(JSON.parse(out) as Side & { torch: string; threads: number }),
  };
}

async function main(): Promise<void> {
  const train = readSplit(args.data!, 'train', args.count ? Number(args.count) : Infinity);
  const test = readSplit(args.data!, 't10k');
  const trainCount = train.n - Math.round(VAL_SPLIT * train.n);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-train-bench-'));
  const rows: Record<string, unknown>[] = [];
  try {
    for (const name of MODELS)
      for (const threads of THREAD_COUNTS) {
        const bytes = new Uint8Array(fs.readFileSync(path.join(ROOT, 'assets', 'demo', `${name}.tflite`)));
        let lowbit: Side | { failed: string };
        try {
          lowbit = await lowbitSide(name, bytes, train, test, trainCount, threads);
        } catch (e) {
          lowbit = { failed: (e as Error).message.split('\n')[0]! };
        }
        const torchRuns = OMP_POLICIES.map((p) =>
          torchSide(name, bytes, trainCount, test.n, dir, threads, p),
        );
        const torch = torchRuns.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
        const ratio = 'imagesPerSecond' in lowbit ? torch.imagesPerSecond / lowbit.imagesPerSecond : null;
        rows.push({ model: name, threads, architecture: torch.summary, lowbit, torch: torchRuns, ratio });
        console.log(`\n${name}: ${torch.summary}`);
        console.log(
          `  one epoch, ${trainCount.toLocaleString('en-US')} images, batch ${BATCH}, ${threads} thread(s)`,
        );
        console.log(
          `  ${'side'.padEnd(30)} ${'images/s'.padStart(9)} ${'loop s'.padStart(8)} ${'loss'.padStart(7)} ${'train acc'.padStart(9)} ${'test acc'.padStart(9)}`,
        );
        const line = (label: string, x: Side) =>
          console.log(
            `  ${label.padEnd(30)} ${x.imagesPerSecond.toFixed(0).padStart(9)} ${x.seconds.toFixed(1).padStart(8)} ${x.trainLoss.toFixed(4).padStart(7)} ${(100 * x.trainAccuracy).toFixed(2).padStart(8)}% ${(100 * x.testAccuracy).toFixed(2).padStart(8)}%`,
          );
        if ('imagesPerSecond' in lowbit) {
          line(`Lowbit, ${threads} worker(s)`, lowbit);
          console.log(
            `  ${''.padEnd(30)} (whole call incl. start-up, validation, export: ${lowbit.callSeconds!.toFixed(1)} s)`,
          );
        } else console.log(`  ${`Lowbit, ${threads} worker(s)`.padEnd(30)} failed: ${lowbit.failed}`);
        for (const t of torchRuns) line(`PyTorch ${t.torch}, OMP ${t.ompWaitPolicy}`, t);
        if (ratio !== null)
          console.log(
            `  PyTorch (faster run) / Lowbit images per second: ${ratio.toFixed(2)}x (goal: Lowbit within 3x, i.e. ≤ 3.00)`,
          );
      }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const outDir = path.join(ROOT, 'bench-output');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, 'bench-train.json'),
    JSON.stringify(
      { batch: BATCH, threads: THREAD_COUNTS, valSplit: VAL_SPLIT, learningRate: LR, seed: SEED, rows },
      null,
      2,
    ),
  );
  console.log('\nwrote bench-output/bench-train.json');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
