import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import type { RecipeStep, TrainOptions } from '../../engine/train/api';
import { hasRecipe, parseRecipe } from '../../engine/train/recipes/registry';
import { trainModelInThreads, type ThreadChoice } from '../../jobs/train-pool/train-pool';
import { measureSize } from '../../engine/model/file-size';
import { openModelFile } from '../../files/model-file';
import { loadLabelledData } from '../../files/labelled-data';
import { writeFileAtomic } from '../../files/write-file';
import {
  choice,
  JSON_FLAG,
  OUT_FLAG,
  positiveInt,
  preprocessFlag,
  PREPROCESS_FLAG,
  WORKERS_FLAG,
} from '../options';
import { prepareOutputFile } from '../output-path';
import { jsonNumbers } from '../stages';
import { epochCells, epochTable, EPOCH_HEADER, formatDuration, tableLine } from '../train-table';
import type { IdxSplit } from '../../engine/datasets/idx';
// Keras-like defaults, the app's too (documented in the usage below and in docs/cli.md).
import { TRAIN_DEFAULTS } from '../../contract/train';

export const command: CliCommand = {
  name: 'train',
  summary:
    'Fine-tune on labelled data: QAT, pruning, clustering, distillation (recipes combine); keeps the best epoch',
  usage: `usage: lowbit train MODEL --data LABELLED --recipe R [options] [--out OUT.tflite] [--json]

  --data PATH        labelled samples: an IDX pair or MNIST-style folder (split train, else
                     calibration, else t10k), a folder of class subfolders of images, a flat image
                     folder with labels.csv, an .npz with x and y, an .npy with --labels, or a CSV
                     with a label column
  --recipe R         steps applied left to right (as TFMOT combines them), comma-separated:
                     finetune | qat | qat16x8 | prune:S | prune:2:4 | cluster:K | distill:W
                     e.g. prune:0.5,cluster:16,qat
  --epochs N         passes over the training split (default ${TRAIN_DEFAULTS.epochs})
  --batch B          samples per step (default ${TRAIN_DEFAULTS.batchSize})
  --lr X             Adam learning rate (default ${TRAIN_DEFAULTS.learningRate})
  --val-split F      fraction held out for validation, seeded shuffle, 0 < F < 1 (default ${TRAIN_DEFAULTS.valSplit})
  --seed S           shuffle, split and initialisation seed (default ${TRAIN_DEFAULTS.seed}): same seed,
                     same bits, whatever the thread count
  --workers N        threads for data-parallel batches (default: this thread or one per core,
                     whichever the run measures faster in its first batches)
  --preprocess SPEC  how images become model inputs (as in evaluate)
  --split S          IDX folder split: train | calibration | t10k
  --labels FILE      labels kept apart from the samples (IDX labels, labels .npy, file,label CSV)
  --out OUT          write the best epoch's model (on validation accuracy); without it nothing is
                     written. Ctrl-C stops after the current batch and writes the best model so far
                     (only with --out).
The table (epoch, train loss and accuracy, validation loss and accuracy, time, ETA) goes to stderr
as each epoch ends; the result goes to stdout (--json: the training result without the model bytes).
The input is never overwritten; the output is written atomically.
Without --workers, the first 25 batches run on this thread and are timed; when the rest of the run
would take 20 s or more there, one thread per core starts in the background, 25 batches run on them
(the first 5 untimed), and they are kept only if their batches take at most 0.9 of the time. The
last line (threads in the JSON) says what trained, with both figures. Each batch's exchange with
the threads has a fixed cost, so which is faster depends on the model and the machine (2 cores:
fashion_dwcnn 3.9 against 5.0 ms per batch on 2 threads, fashion_cnn about even); the result is
the same bits either way.`,
  async run(argv, ctx) {
    const { values: v, positionals } = parse(
      argv,
      {
        data: { type: 'string' },
        recipe: { type: 'string' },
        epochs: { type: 'string' },
        batch: { type: 'string' },
        lr: { type: 'string' },
        'val-split': { type: 'string' },
        seed: { type: 'string' },
        ...WORKERS_FLAG,
        ...PREPROCESS_FLAG,
        split: { type: 'string' },
        labels: { type: 'string' },
        ...OUT_FLAG,
        ...JSON_FLAG,
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    const o = trainFlags(v);
    if (v.out) prepareOutputFile(v.out, [file, v.data, v.labels]);
    const { tflite: model } = openModelFile(file);
    const data = loadLabelledData(v.data!, model, {
      preprocess: preprocessFlag(v.preprocess),
      split: choice(v.split, ['train', 'calibration', 't10k'], '--split') as IdxSplit | undefined,
      labels: v.labels,
    });
    ctx.log(`training on ${data.source}: ${data.samples.length} labelled samples, ${data.classes} classes`);
    if (!v.out) ctx.log('no --out: the trained model will not be written');

    let header = false;
    const t0 = performance.now();
    const result = await trainModelInThreads(model, data, {
      ...o,
      signal: ctx.signal,
      onBatch: (done, total) => ctx.progress('training', done, total),
      onEpoch: (e) => {
        if (!header) ctx.log(tableLine(EPOCH_HEADER));
        header = true;
        ctx.log(tableLine(epochCells(e, o.epochs)));
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const finished = result.epochs.length > 0;
    const written = v.out !== undefined && finished;
    if (written) writeFileAtomic(v.out!, result.bytes, [file, v.data!, ...(v.labels ? [v.labels] : [])]);
    const size = measureSize(result.bytes);
    const { bytes: _bytes, model: _model, ...rest } = result;
    if (v.json) {
      ctx.out(
        JSON.stringify(
          {
            model: file,
            data: data.source,
            out: written ? v.out : null,
            recipe: v.recipe,
            options: { ...o, recipe: undefined, workers: o.workers },
            ...rest,
            outBytes: size.bytes,
            outGzipBytes: size.gzipBytes,
            seconds,
          },
          jsonNumbers,
        ),
      );
    } else {
      ctx.out(
        [
          epochTable(result.epochs, o.epochs, result.bestEpoch),
          '',
          ...result.steps.map((s) => `step: ${s}`),
          ...result.frozen.map((f) => `frozen: ${f}`),
          `best epoch ${result.bestEpoch} (validation accuracy); ${size.bytes} bytes, ${size.gzipBytes} gzipped; ${formatDuration(seconds * 1000)}`,
          threadsLine(result.threads),
        ].join('\n') + '\n',
      );
    }
    if (result.cancelled)
      ctx.log(
        !finished
          ? 'stopped before the first epoch ended: nothing written'
          : v.out
            ? `stopped after the current batch: wrote the best model so far (epoch ${result.bestEpoch}) to ${v.out}`
            : 'stopped after the current batch: nothing written (no --out)',
      );
    else if (written) ctx.log(`wrote ${v.out}`);
    return 0;
  },
};

/** Which threads trained, and why when Lowbit chose. */
function threadsLine(t: ThreadChoice): string {
  const n = `${t.threads} thread${t.threads === 1 ? '' : 's'}`;
  if (!t.auto) return `trained on ${n} (--workers)`;
  const ms = (v: number | null) => (v === null ? '' : `${v.toFixed(1)} ms`);
  if (t.threadsMs === null)
    return t.inlineMs === null
      ? `trained on ${n}`
      : `trained on ${n} (${ms(t.inlineMs)} per batch; threads not measured: a short run)`;
  return `trained on ${n}, the faster measured: ${ms(t.inlineMs)} per batch on 1 thread, ${ms(t.threadsMs)} on ${t.tried}`;
}

type TrainFlags = Omit<TrainOptions, 'signal' | 'onBatch' | 'onEpoch'> & { recipe: RecipeStep[] };

/** Reads and checks the training flags (UsageError naming the flag), before any file is read. */
export function trainFlags(v: {
  data?: string;
  recipe?: string;
  epochs?: string;
  batch?: string;
  lr?: string;
  'val-split'?: string;
  seed?: string;
  workers?: string;
}): TrainFlags {
  if (!v.data) throw new UsageError('--data LABELLED is required: the labelled samples to train on');
  if (!v.recipe) throw new UsageError('--recipe R is required, e.g. qat or prune:0.5,cluster:16,qat');
  // An INVALID_ARGUMENT naming the option: the CLI says "--recipe: recipe "x": ..." (exit 1).
  const recipe: RecipeStep[] = parseRecipe(v.recipe);
  const missing = recipe.filter((s) => !hasRecipe(s.kind));
  if (missing.length)
    throw new UsageError(
      `--recipe: ${missing.map((s) => s.kind).join(', ')} is not available in this build (${v.recipe})`,
    );
  const lr = v.lr === undefined ? TRAIN_DEFAULTS.learningRate : Number(v.lr);
  if (v.lr !== undefined && (v.lr.trim() === '' || !(lr > 0 && lr < 10)))
    throw new UsageError(`--lr must be a number above 0 (e.g. 0.001), got "${v.lr}"`);
  const split = v['val-split'] === undefined ? TRAIN_DEFAULTS.valSplit : Number(v['val-split']);
  if (v['val-split'] !== undefined && (v['val-split'].trim() === '' || !(split > 0 && split < 1)))
    throw new UsageError(`--val-split must be between 0 and 1 (e.g. 0.1), got "${v['val-split']}"`);
  const seed = v.seed === undefined ? TRAIN_DEFAULTS.seed : Number(v.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got "${v.seed}"`);
  return {
    recipe,
    epochs: v.epochs === undefined ? TRAIN_DEFAULTS.epochs : positiveInt(v.epochs, '--epochs'),
    batchSize: v.batch === undefined ? TRAIN_DEFAULTS.batchSize : positiveInt(v.batch, '--batch'),
    learningRate: lr,
    valSplit: split,
    seed,
    workers: v.workers === undefined ? undefined : positiveInt(v.workers, '--workers'),
  };
}
