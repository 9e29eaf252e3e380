import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import type { StageResult } from '../../engine/optimize/pipeline';
import {
  parseLayerOps,
  pruneModel,
  type PruneSchedule,
  type PruneStructure,
} from '../../engine/optimize/prune/index';
import { openModelFile } from '../../files/model-file';
import { loadEvalSet } from '../load-data';
import { choice, EVALUATION_DATA_FLAGS, intOption, JSON_FLAG, OUT_FLAG } from '../options';
import { evaluate, formatRows, jsonNumbers, row, stageOf, writeAndReport } from '../stages';
import { prepareOutputFile } from '../output-path';

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
        ...OUT_FLAG,
        ...EVALUATION_DATA_FLAGS,
        sweep: { type: 'string' },
        ...JSON_FLAG,
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
      const evals = samples ? await evaluate(stages, samples, ctx) : null;
      const rows = stages.map((st, i) => row(st, evals?.[i] ?? null, stages[0]));
      if (v.json) ctx.out(JSON.stringify({ model: file, sweep: rows }, jsonNumbers));
      else ctx.out(formatRows(rows) + '\n');
      return 0;
    }
    if (v.sparsity === undefined) throw new UsageError('--sparsity S (or --sweep LIST) is required');
    if (!v.out) throw new UsageError('--out OUT is required');
    prepareOutputFile(v.out, [file]);
    const r = pruneModel(model, { ...base, sparsity: fraction(v.sparsity, '--sparsity') });
    const stages = [
      stageOf('input', model, []),
      stageOf(`prune:${v.sparsity}`, r.model, r.warnings),
    ] as const;
    return writeAndReport(ctx, { file, out: v.out, json: v.json, samples }, stages, {
      pruned: r.layers,
      skipped: r.skipped,
      sparseStorage: r.sparse?.tensors ?? [],
      warnings: r.warnings,
    });
  },
};

function fraction(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new UsageError(`${flag}: ${value} is not in [0, 1)`);
  return n;
}
