import type { CliCommand, CliContext } from '../command';
import { parse } from '../args';
import { openDataset } from '../../files/dataset-open';
import { asSampleSet, calibrationSamples } from '../../engine/datasets/samples';
import { findIdxPair } from '../../files/idx-files';
import { InvalidArgumentError } from '../../engine/errors';
import type { SampleSet } from '../../engine/evaluate/evaluate';
import { evaluateStages, type StageEvaluation, type StageResult } from '../../engine/optimize/pipeline';
import {
  parseLayerOps,
  pruneModel,
  weightStats,
  type LayerStats,
  type PruneSchedule,
  type PruneStructure,
} from '../../engine/optimize/prune/index';
import { measureSize } from '../../engine/evaluate/size';
import type { TflModel } from '../../engine/tflite/model';
import { writeTflite } from '../../engine/tflite/writer';
import { writeFileAtomic } from '../../files/read-write';
import { openModelFile } from '../../files/model-file';
import fs from 'node:fs';

export const command: CliCommand = {
  name: 'prune',
  summary: 'Prune weights (magnitude, 2:4 or whole channels); measure size, gzip, sparsity and accuracy',
  usage: `usage: lowbit prune MODEL --sparsity S --out OUT [options] [--json]
       lowbit prune MODEL --sweep 0.3,0.5,0.7,0.9 [--data PATH] [options] [--json]

  --sparsity S        fraction of weights (or of output channels, for channel) to remove, [0, 1)
  --schedule          per-layer (default: each layer exactly S) | global (one magnitude threshold)
  --structure         unstructured (default) | 2:4 (two of every four along the input axis) |
                      channel (removes output channels and the consumers' inputs: shapes shrink)
  --sparse-format     store pruned FULLY_CONNECTED weights in TFLite's sparse format (smaller file)
  --sparse-all        also CONV_2D / DEPTHWISE_CONV_2D (Lowbit reads them; TFLite needs DENSIFY)
  --min-weights N     skip layers with fewer weights (default 1024)
  --ops LIST          layer ops (default CONV_2D,DEPTHWISE_CONV_2D,FULLY_CONNECTED); never biases
  --data PATH         evaluate input and output on this dataset (accuracy, agreement with input)
  --limit N           evaluate on the first N samples only
  --sweep LIST        prune at each sparsity, no file written: the sparsity-vs-accuracy table
The input is never overwritten; the output is written atomically.`,
  async run(argv, ctx) {
    const { values: v, positionals } = parse(
      argv,
      {
        sparsity: { type: 'string' },
        schedule: { type: 'string' },
        structure: { type: 'string' },
        'sparse-format': { type: 'boolean' },
        'sparse-all': { type: 'boolean' },
        'min-weights': { type: 'string' },
        ops: { type: 'string' },
        out: { type: 'string' },
        data: { type: 'string' },
        limit: { type: 'string' },
        sweep: { type: 'string' },
        json: { type: 'boolean' },
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    const schedule = choice(v.schedule, ['per-layer', 'global'], '--schedule') as PruneSchedule | undefined;
    const structure = choice(v.structure, ['unstructured', '2:4', 'channel'], '--structure') as
      PruneStructure | undefined;
    const base = {
      schedule,
      structure,
      minWeights: intOption(v['min-weights'], '--min-weights'),
      ops: v.ops ? parseLayerOps(v.ops) : undefined,
      sparseFormat: v['sparse-all'] ? ('all' as const) : v['sparse-format'] ? ('fc' as const) : null,
      signal: ctx.signal,
    };
    const { tflite: model } = openModelFile(file);
    const samples = v.data ? loadEvalSet(v.data, model, intOption(v.limit, '--limit')) : null;
    if (v.sweep) {
      const list = v.sweep.split(',').map((s) => fraction(s, '--sweep'));
      const stages: StageResult[] = [stageOf('input', model, [])];
      for (const s of list) {
        ctx.log(`pruning to ${s}...`);
        const r = pruneModel(model, { ...base, sparsity: s });
        stages.push(stageOf(`prune:${s}`, r.model, r.warnings));
      }
      const evals = samples ? evaluate(stages, samples, ctx) : null;
      const rows = stages.map((st, i) => row(st, evals?.[i] ?? null, stages[0]));
      if (v.json) ctx.out(JSON.stringify({ model: file, sweep: rows }, jsonNumbers));
      else ctx.out(formatRows(rows) + '\n');
      return 0;
    }
    if (v.sparsity === undefined)
      throw new InvalidArgumentError('--sparsity S (or --sweep LIST) is required');
    if (!v.out) throw new InvalidArgumentError('--out OUT is required');
    const r = pruneModel(model, { ...base, sparsity: fraction(v.sparsity, '--sparsity') });
    const stages = [stageOf('input', model, []), stageOf(`prune:${v.sparsity}`, r.model, r.warnings)];
    writeFileAtomic(v.out, stages[1].bytes, [file]);
    const evals = samples ? evaluate(stages, samples, ctx) : null;
    const report = {
      model: file,
      out: v.out,
      stages: stages.map((st, i) => row(st, evals?.[i] ?? null, stages[0])),
      pruned: r.layers,
      skipped: r.skipped,
      sparseStorage: r.sparse?.tensors ?? [],
      warnings: r.warnings,
    };
    if (v.json) ctx.out(JSON.stringify(report, jsonNumbers));
    else {
      ctx.out(formatRows(report.stages) + '\n\n' + formatLayers(stages[1].layers) + '\n');
      for (const s of r.skipped) ctx.log(`skipped ${s.name} (${s.op}): ${s.reason}`);
      for (const w of r.warnings) ctx.log(`warning: ${w}`);
      ctx.log(`wrote ${v.out}`);
    }
    return 0;
  },
};

// ---- Shared by prune, cluster and optimize (one command per file; the helpers live here). ----

export function choice(value: string | undefined, allowed: string[], flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) throw new InvalidArgumentError(`${flag} must be ${allowed.join(', ')}`);
  return value;
}

export function intOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a non-negative integer`);
  return n;
}

function fraction(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1))
    throw new InvalidArgumentError(`${flag}: ${value} is not in [0, 1)`);
  return n;
}

export function stageOf(stage: string, model: TflModel, warnings: string[]): StageResult {
  const bytes = writeTflite(model);
  return { stage, model, bytes, size: measureSize(bytes), layers: weightStats(model), warnings };
}

function inputShape(model: TflModel): number[] {
  const sg = model.subgraphs[0];
  return [...sg.tensors[sg.inputs[0]].shape];
}

function classCount(model: TflModel): number | undefined {
  const sg = model.subgraphs[0];
  const shape = sg.tensors[sg.outputs[0]].shape;
  return shape[shape.length - 1];
}

/** A labelled (or not) evaluation set for the model's first input (IDX dirs: the t10k split). */
export function loadEvalSet(p: string, model: TflModel, limit?: number): SampleSet {
  const ds = openDataset(p, { inputShape: inputShape(model), classes: classCount(model) });
  return asSampleSet(ds, limit);
}

/** Calibration samples: an IDX directory's 'calibration' split when it has one, else its default. */
export function loadCalibration(p: string, model: TflModel, count = 200): Float32Array[][] {
  const split = fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() && findIdxPair(p, 'calibration');
  const ds = openDataset(p, {
    inputShape: inputShape(model),
    classes: classCount(model),
    ...(split ? { split: 'calibration' as const } : {}),
  });
  return calibrationSamples(ds, count);
}

export function evaluate(stages: StageResult[], samples: SampleSet, ctx: CliContext): StageEvaluation[] {
  return evaluateStages(stages, samples, {
    signal: ctx.signal,
    progress: (stage, d, t) => {
      if (d === t || d % 100 === 0) ctx.progress(`evaluating ${stage}`, d, t);
    },
  });
}

export interface Row {
  stage: string;
  bytes: number;
  gzipBytes: number;
  /** gzip bytes relative to the input's gzip bytes. */
  gzipRatio: number;
  sparsity: number;
  layers: LayerStats[];
  accuracy: number | null;
  agreement: number | null;
  sqnrDb: number | null;
  warnings: string[];
}

export function row(st: StageResult, ev: StageEvaluation | null, first?: StageResult): Row {
  const weights = st.layers.reduce((n, l) => n + l.weights, 0);
  const zeros = st.layers.reduce((n, l) => n + l.zeros, 0);
  return {
    stage: st.stage,
    bytes: st.size.bytes,
    gzipBytes: st.size.gzipBytes,
    gzipRatio: first ? st.size.gzipBytes / first.size.gzipBytes : NaN,
    sparsity: weights ? zeros / weights : 0,
    layers: st.layers,
    accuracy: ev?.accuracy?.top1 ?? null,
    agreement: ev?.fidelity?.agreement ?? null,
    sqnrDb: ev?.fidelity ? ev.fidelity.sqnrDb : null,
    warnings: st.warnings,
  };
}

/** JSON: Infinity/NaN are not JSON; write them as null. */
export function jsonNumbers(_k: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : `${(100 * x).toFixed(1)}%`);

export function formatRows(rows: Row[]): string {
  const first = rows[0];
  const lines = [['stage', 'bytes', 'gzip', 'gzip/input', 'sparsity', 'accuracy', 'agreement']];
  for (const r of rows) {
    lines.push([
      r.stage,
      String(r.bytes),
      String(r.gzipBytes),
      first ? (r.gzipBytes / first.gzipBytes).toFixed(3) : '-',
      pct(r.sparsity),
      pct(r.accuracy),
      pct(r.agreement),
    ]);
  }
  return table(lines);
}

export function formatLayers(layers: LayerStats[]): string {
  const lines = [['layer', 'op', 'shape', 'dtype', 'sparsity', 'unique', 'storage']];
  for (const l of layers) {
    lines.push([
      l.name,
      l.op,
      `[${l.shape.join(',')}]`,
      l.dtype,
      pct(l.sparsity),
      String(l.uniqueValues),
      l.sparseStorage ? 'sparse' : 'dense',
    ]);
  }
  return table(lines);
}

function table(lines: string[][]): string {
  const widths = lines[0].map((_c, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
