/**
 * npx tsx scripts/qat-fashion.ts [--data DIR] [--model FILE] [--epochs N] [--batch B] [--lr X]
 *                                [--limit N] [--recipes 'qat;qat16x8;distill:0.5@epochs=3,lr=1e-3'] [--seed S]
 *
 * Issue 15's QAT (and distillation) figures on the full Fashion-MNIST: the float model, its
 * post-training int8 (Lowbit's quantizer, calibrated on 500 training images) and each recipe
 * trained by trainModel on the 60k training images (10% held out for validation, the best epoch
 * kept), every model scored by Lowbit's interpreter on the 10k test images. Prints a table and
 * writes nothing. Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) or
 * --data DIR with the standard IDX files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Interpreter } from '../main/engine/interpreter/interpreter';
import { quantizeFullInteger } from '../main/engine/optimize/full-integer';
import { lintQuantization } from '../main/engine/optimize/spec-lint';
import type { SampleSet } from '../main/engine/datasets/samples';
import { readTflite } from '../main/engine/tflite/reader';
import { writeTflite } from '../main/engine/tflite/writer';
import type { TflModel } from '../main/engine/tflite/model';
import { parseRecipe } from '../main/engine/train/recipes/registry';
import { trainModel } from '../main/engine/train/run';
import { openDataset } from '../main/files/dataset-open';
import { DEBIAN_FASHION_MNIST } from '../main/files/idx-files';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: DEBIAN_FASHION_MNIST },
    model: {
      type: 'string',
      default: path.join(import.meta.dirname, '..', 'assets', 'demo', 'fashion_cnn.tflite'),
    },
    epochs: { type: 'string', default: '1' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '1e-4' },
    limit: { type: 'string' },
    recipes: { type: 'string', default: 'qat;qat16x8' },
    seed: { type: 'string', default: '1' },
  },
});

const log = (s: string) => process.stderr.write(`${s}\n`);

function limited(set: SampleSet, n: number | undefined): SampleSet {
  if (n === undefined || n >= set.length) return set;
  return { length: n, get: (i) => set.get(i) };
}

function accuracy(model: TflModel, test: SampleSet): number {
  const interp = Interpreter.create(model);
  let ok = 0;
  for (let i = 0; i < test.length; i++) {
    const s = test.get(i);
    interp.setInput(0, s.inputs[0]);
    interp.invoke();
    const o = interp.output(0).data as Float32Array;
    let b = 0;
    for (let k = 1; k < o.length; k++) if (o[k] > o[b]) b = k;
    if (b === s.label) ok++;
  }
  return ok / test.length;
}

async function main(): Promise<void> {
  const model = readTflite(fs.readFileSync(args.model!));
  const sg = model.subgraphs[0];
  const inputShape = [...sg.tensors[sg.inputs[0]].shape];
  const classes = 10;
  const limit = args.limit ? Number(args.limit) : undefined;
  const train = limited(openDataset(args.data!, { inputShape, classes, split: 'train' }), limit);
  const test = openDataset(args.data!, { inputShape, classes, split: 't10k' });
  log(
    `${path.basename(args.model!)}: ${train.length} training images (10% validation), ${test.length} test images`,
  );

  const rows: [string, number, number, string][] = [];
  const bytes = (m: TflModel) => writeTflite(m).length;
  const accFloat = accuracy(model, test);
  rows.push(['float', accFloat, bytes(model), '']);
  const cal = Array.from({ length: 500 }, (_, i) => train.get(i).inputs);
  const ptq = (await quantizeFullInteger(model, cal)).model;
  rows.push(['post-training int8 (500 calibration images)', accuracy(ptq, test), bytes(ptq), '']);
  const ptq16 = (await quantizeFullInteger(model, cal, { activations: 'int16' })).model;
  rows.push(['post-training 16x8', accuracy(ptq16, test), bytes(ptq16), '']);

  // "recipe@epochs=3,lr=1e-3": per-recipe overrides of --epochs, --batch and --lr.
  for (const spec of args.recipes!.split(';')) {
    const [recipe, over] = spec.split('@');
    const o = Object.fromEntries(
      (over ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => kv.split('=')),
    );
    const t0 = Date.now();
    const res = await trainModel(
      model,
      { samples: train, classes, source: args.data! },
      {
        recipe: parseRecipe(recipe),
        epochs: Number(o.epochs ?? args.epochs),
        batchSize: Number(o.batch ?? args.batch),
        learningRate: Number(o.lr ?? args.lr),
        valSplit: 0.1,
        seed: Number(args.seed),
        onEpoch: (e) =>
          log(
            `  ${recipe} epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${e.trainAccuracy.toFixed(4)}, ` +
              `val loss ${e.valLoss.toFixed(4)} acc ${e.valAccuracy.toFixed(4)}, ${(e.ms / 1000).toFixed(1)} s`,
          ),
      },
    );
    const lint = lintQuantization(res.model).filter((f) => f.severity === 'error').length;
    rows.push([
      `${spec} (best epoch ${res.bestEpoch} of ${res.epochs.length}, ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      accuracy(res.model, test),
      bytes(res.model),
      `${res.steps.join('; ')}; spec-lint errors ${lint}`,
    ]);
  }
  console.log(`| model | test accuracy (${test.length}) | Δ vs float (points) | bytes | notes |`);
  console.log('|---|---|---|---|---|');
  for (const [name, acc, size, notes] of rows)
    console.log(
      `| ${name} | ${acc.toFixed(4)} | ${((acc - accFloat) * 100).toFixed(2)} | ${size} | ${notes} |`,
    );
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
