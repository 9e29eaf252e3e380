/**
 * Stage reports shared by prune, cluster and optimize: a stage's file, size and weight statistics,
 * its evaluation, and the table and JSON rows the three commands print.
 */
import type { CliContext } from './command';
import type { SampleSet } from '../engine/datasets/samples';
import { measureSize } from '../engine/model/file-size';
import { evaluateStages, type StageEvaluation } from '../engine/evaluate/stages';
import type { SamplePool } from '../engine/interpreter/sample-pool';
import type { StageResult } from '../engine/optimize/pipeline';
import { weightStats, type LayerStats } from '../engine/optimize/prune/index';
import type { SkippedLayer } from '../engine/optimize/prune/layers';
import { writeFileAtomic } from '../files/write-file';
import type { TflModel } from '../engine/tflite/model';
import { writeTflite } from '../engine/tflite/writer';

export function stageOf(stage: string, model: TflModel, warnings: string[]): StageResult {
  const bytes = writeTflite(model);
  return { stage, model, bytes, size: measureSize(bytes), layers: weightStats(model), warnings };
}

export function evaluate(
  stages: readonly StageResult[],
  samples: SampleSet,
  ctx: CliContext,
  pool?: SamplePool,
): Promise<StageEvaluation[]> {
  return evaluateStages(stages, samples, {
    signal: ctx.signal,
    pool,
    progress: (stage, d, t) => {
      if (d === t || d % 100 === 0) ctx.progress(`evaluating ${stage}`, d, t);
    },
  });
}

/**
 * The end of a one-step command (prune, cluster): write the new model atomically, evaluate input
 * and output when data was given, then print the JSON report or the tables and notes.
 * `details` is the step's own part of the report (its layers, skipped layers and warnings).
 */
export async function writeAndReport(
  ctx: CliContext,
  o: { file: string; out: string; json?: boolean; samples: SampleSet | null },
  stages: readonly [StageResult, StageResult],
  details: { skipped: SkippedLayer[]; warnings: string[] } & Record<string, unknown>,
): Promise<number> {
  writeFileAtomic(o.out, stages[1].bytes, [o.file]);
  const evals = o.samples ? await evaluate(stages, o.samples, ctx) : null;
  const report = {
    model: o.file,
    out: o.out,
    stages: stages.map((st, i) => row(st, evals?.[i] ?? null, stages[0])),
    ...details,
  };
  if (o.json) ctx.out(JSON.stringify(report, jsonNumbers));
  else {
    ctx.out(formatRows(report.stages) + '\n\n' + formatLayers(stages[1].layers) + '\n');
    for (const s of details.skipped) ctx.log(`skipped ${s.name} (${s.op}): ${s.reason}`);
    for (const w of details.warnings) ctx.log(`warning: ${w}`);
    ctx.log(`wrote ${o.out}`);
  }
  return 0;
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
