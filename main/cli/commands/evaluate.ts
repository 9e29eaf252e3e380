import path from 'node:path';
import { UsageError, type CliCommand, type CliContext } from '../command';
import { parse } from '../args';
import { compareModels } from '../../engine/evaluate/compare';
import { buildComparison, toJson } from '../../engine/evaluate/report';
import { DatasetError, ShapeMismatchError } from '../../engine/errors';
import { openDataset } from '../../files/dataset-open';
import type { IdxSplit } from '../../engine/datasets/idx';
import { asSampleSet } from '../../engine/datasets/samples';
import { resolvePreprocess } from '../../engine/datasets/preprocess';
import { formatComparison } from '../format/comparison';
import { externalDataBeside } from '../../files/external-data';
import { readFileBytes } from '../../files/read-file';
import type { ModelRunner } from '../../engine/evaluate/model-runner';
import { openRunner } from '../../runtimes/open-runner';
import { writeReportFiles } from '../report-files';
import { chanceAccuracy, chanceWarnings, shapeWarning } from '../evaluate-checks';
import { WorkerSamplePool } from '../../jobs/pool/sample-pool';
import {
  DATASET_FLAGS,
  JSON_FLAG,
  positiveInt,
  preprocessFlag,
  REPORT_FLAG,
  WORKERS_FLAG,
  workersOption,
} from '../options';

const EVALUATE_FLAGS = {
  ...DATASET_FLAGS,
  baseline: { type: 'string' },
  runs: { type: 'string' },
  ...REPORT_FLAG,
  ...JSON_FLAG,
  ...WORKERS_FLAG,
} as const;

export const command: CliCommand = {
  name: 'evaluate',
  summary: 'Evaluate models on a dataset: accuracy, agreement with a baseline, size, latency, arena',
  usage: `usage: lowbit evaluate MODEL [MODEL ...] --dataset PATH [--preprocess SPEC] [--baseline MODEL]
                       [--split t10k|train|calibration] [--labels FILE] [--limit N] [--runs N]
                       [--workers N] [--report DIR] [--json]

Runs every MODEL on the dataset and prints one row per model with deltas against the baseline
(--baseline, or the first MODEL): top-1 accuracy (labelled data), agreement with the baseline's
top-1 and output SQNR, size and gzip size, median invoke() latency, planned arena.
  --dataset     IDX directory or file, image folder, .npy/.npz or CSV (see docs/datasets.md)
  --preprocess  e.g. resize=96x96,gray,scale=0..1,layout=nhwc (default: from the model input)
  --workers N   threads that run the samples of TFLite models (default: one per core); the
                results are identical whatever N, latency is measured on one thread
  --report DIR  also write report.json, report.md and report.html there`,
  async run(argv, ctx) {
    const { values, positionals } = parse(argv, EVALUATE_FLAGS, { minPositionals: 1 });
    if (!values.dataset) throw new UsageError('--dataset PATH is required');
    const limit = values.limit !== undefined ? positiveInt(values.limit, '--limit') : undefined;
    const runs = values.runs !== undefined ? positiveInt(values.runs, '--runs') : 20;
    const workers = workersOption(values.workers);
    const files = values.baseline
      ? [values.baseline, ...positionals.filter((p) => p !== values.baseline)]
      : positionals;
    // Each model runs where it belongs: TFLite in the interpreter, ONNX in ONNX Runtime.
    const loaded: { file: string; model: ModelRunner; bytes: Uint8Array }[] = [];
    const pool = new WorkerSamplePool(workers);
    try {
      for (const f of files) {
        const bytes = readFileBytes(f, 'model');
        loaded.push({
          file: f,
          model: await openRunner(bytes, f, { externalData: externalDataBeside(f) }),
          bytes,
        });
      }
      return await evaluateLoaded(loaded, values, { limit, runs, pool }, ctx);
    } finally {
      await pool.dispose();
      for (const m of loaded) await m.model.dispose();
    }
  },
};

type EvaluateFlags = ReturnType<typeof parse<typeof EVALUATE_FLAGS>>['values'];

async function evaluateLoaded(
  loaded: { file: string; model: ModelRunner; bytes: Uint8Array }[],
  values: EvaluateFlags,
  counts: { limit: number | undefined; runs: number; pool: WorkerSamplePool },
  ctx: CliContext,
): Promise<number> {
  const { limit, runs, pool } = counts;
  const files = loaded.map((m) => m.file);
  const first = loaded[0]!.model;
  const inputShape = [...first.inputs[0]!.shape];
  const outShape = first.outputs[0]!.shape;
  const ds = withPath(values.dataset!, () =>
    openDataset(values.dataset!, {
      inputShape,
      preprocess: preprocessFlag(values.preprocess),
      classes: outShape[outShape.length - 1],
      split: values.split as IdxSplit | undefined,
      labels: values.labels,
    }),
  );
  for (const m of loaded.slice(1)) {
    const shape = m.model.inputs[0]!.shape;
    if (shape.join(',') !== inputShape.join(',')) {
      throw new ShapeMismatchError(
        `${m.file}: input shape [${shape}] differs from ${loaded[0]!.file}'s [${inputShape}]`,
      );
    }
  }
  const samples = asSampleSet(ds, limit);
  ctx.log(`dataset ${values.dataset}: ${samples.length} samples`);
  // NCHW (PyTorch, ONNX) or NHWC (TFLite): the first model's input shape decides how images are fed.
  const pre = resolvePreprocess(preprocessFlag(values.preprocess) ?? {}, inputShape);
  const { layout } = pre;
  const shapeNote = shapeWarning(
    values.dataset!,
    ds.describe().sampleShape,
    pre,
    inputShape,
    /\bresize=/.test(values.preprocess ?? ''),
  );
  if (shapeNote) ctx.log(shapeNote);
  ctx.log(
    `input [${inputShape.join(',')}] of ${path.basename(files[0]!)}: images fed as ${layout.toUpperCase()}`,
  );
  for (const m of loaded) ctx.log(`${path.basename(m.file)}: ${m.model.runtime}`);
  ctx.log(`samples on ${pool.workers} worker thread(s)`);
  const [baseline, ...others] = loaded.map((m) => ({ ...m, label: path.basename(m.file) }));
  const { rows } = await compareModels({
    baseline: baseline!,
    candidates: others.map((m) => ({ label: m.label, file: m.file, make: () => m })),
    test: samples,
    latencyRuns: runs,
    signal: ctx.signal,
    pool,
    onProgress: (p) => ctx.progress(`evaluating ${p.label}`, p.done, p.total),
  });
  const report = buildComparison('Evaluation', `${values.dataset} (${samples.length} samples)`, rows);
  const classes = outShape[outShape.length - 1] ?? 0;
  const labels = (ds as { labelArray?: ArrayLike<number> | null }).labelArray ?? null;
  const chance = chanceAccuracy(classes, labels, samples.length);
  for (const w of chanceWarnings(report.rows, chance, classes, samples.length)) ctx.log(w);
  if (values.report) for (const p of writeReportFiles(values.report, report, files)) ctx.log(`wrote ${p}`);
  ctx.out(values.json ? toJson(report) : formatComparison(report));
  return 0;
}

/** Dataset errors name the dataset: prefix the path when the message does not already say it. */
function withPath<T>(dataset: string, open: () => T): T {
  try {
    return open();
  } catch (e) {
    if (e instanceof DatasetError || e instanceof ShapeMismatchError) {
      if (e.message.includes(dataset)) throw e;
      const Cls = e.constructor as new (m: string) => Error;
      throw new Cls(`dataset ${dataset}: ${e.message}`);
    }
    throw e;
  }
}
