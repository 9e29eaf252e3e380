import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import { CENTROID_INITS, type CentroidInit } from '../../engine/optimize/cluster/index';
import { parsePipeline, runPipeline } from '../../engine/optimize/pipeline';
import { needsCalibration, TECHNIQUE_IDS, TECHNIQUES } from '../../engine/optimize/index';
import type { PruneSchedule, PruneStructure } from '../../engine/optimize/prune/index';
import { writeFileAtomic } from '../../files/write-file';
import { openModelFile } from '../../files/model-file';
import { loadCalibration, loadEvalSet } from '../load-data';
import {
  CALIBRATION_FLAG,
  choice,
  EVALUATION_DATA_FLAGS,
  intOption,
  JSON_FLAG,
  OUT_FLAG,
  WORKERS_FLAG,
  workersOption,
} from '../options';
import { WorkerSamplePool } from '../../jobs/pool/sample-pool';
import { evaluate, formatLayers, formatRows, jsonNumbers, row } from '../stages';
import { prepareOutputFile } from '../output-path';

const calibrated = TECHNIQUES.filter((t) => t.needs === 'calibration-sample')
  .map((t) => t.id)
  .join(' / ');

export const command: CliCommand = {
  name: 'optimize',
  summary: 'Chain prune → cluster → quantize, measuring every stage (bytes, gzip, sparsity, accuracy)',
  usage: `usage: lowbit optimize MODEL --pipeline prune:0.5,cluster:16,quantize:int8 --out OUT [options] [--json]

  --pipeline SPEC       stages in order prune:S, cluster:N, quantize:${TECHNIQUE_IDS.join('|')}
  --calibration PATH    representative data for ${calibrated} (IDX dirs: the calibration split)
  --data PATH           evaluate every stage on this dataset (accuracy, agreement with the input)
  --limit N             evaluate on the first N samples only
  --schedule, --structure, --min-weights   as for lowbit prune
  --init, --per-channel, --seed            as for lowbit cluster (zeros are always preserved
                                           after pruning)
  --sparse-format       store the final FULLY_CONNECTED weights sparse when that is smaller
  --workers N           threads that run calibration and evaluation samples (default: one per
                        core); the results are identical whatever N
A layer-wide clustering followed by int8/16x8/dynamic quantizes weights per tensor, so that each
cluster keeps exactly one code (see docs/pruning-clustering.md); --per-channel keeps per-channel
scales with at most N codes per channel.`,
  async run(argv, ctx) {
    const { values: v, positionals } = parse(
      argv,
      {
        pipeline: { type: 'string' },
        ...CALIBRATION_FLAG,
        ...EVALUATION_DATA_FLAGS,
        schedule: { type: 'string' },
        structure: { type: 'string' },
        'min-weights': { type: 'string' },
        init: { type: 'string' },
        'per-channel': { type: 'boolean' },
        seed: { type: 'string' },
        'sparse-format': { type: 'boolean' },
        ...WORKERS_FLAG,
        ...OUT_FLAG,
        ...JSON_FLAG,
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    if (!v.pipeline) throw new UsageError('--pipeline SPEC is required');
    if (!v.out) throw new UsageError('--out OUT is required');
    prepareOutputFile(v.out, [file]);
    const stagesSpec = parsePipeline(v.pipeline);
    const { tflite: model } = openModelFile(file);
    const calibrating = stagesSpec.some((s) => s.kind === 'quantize' && needsCalibration(s.technique));
    if (calibrating && !v.calibration)
      throw new UsageError(`${calibrated} quantization needs --calibration PATH`);
    const calibration = v.calibration ? loadCalibration(v.calibration, model) : undefined;
    const samples = v.data ? loadEvalSet(v.data, model, intOption(v.limit, '--limit')) : null;
    const pool = new WorkerSamplePool(workersOption(v.workers));
    try {
      const stages = await runPipeline(model, stagesSpec, {
        schedule: choice(v.schedule, ['per-layer', 'global'], '--schedule') as PruneSchedule | undefined,
        structure: choice(v.structure, ['unstructured', '2:4', 'channel'], '--structure') as
          PruneStructure | undefined,
        minWeights: intOption(v['min-weights'], '--min-weights'),
        init: choice(v.init, [...CENTROID_INITS], '--init') as CentroidInit | undefined,
        perChannel: !!v['per-channel'],
        seed: intOption(v.seed, '--seed') ?? 0,
        sparseFormat: v['sparse-format'] ? 'fc' : null,
        calibration,
        signal: ctx.signal,
        onProgress: (d, t) => {
          if (d === t || d % 50 === 0) ctx.progress('calibrating', d, t);
        },
        pool,
      });
      const last = stages[stages.length - 1];
      writeFileAtomic(v.out, last.bytes, [file]);
      const evals = samples ? await evaluate(stages, samples, ctx, pool) : null;
      const rows = stages.map((st, i) => row(st, evals?.[i] ?? null, stages[0]));
      if (v.json) ctx.out(JSON.stringify({ model: file, out: v.out, stages: rows }, jsonNumbers));
      else {
        ctx.out(formatRows(rows) + '\n\n' + formatLayers(last.layers) + '\n');
        for (const st of stages) for (const w of st.warnings) ctx.log(`${st.stage}: ${w}`);
        ctx.log(`wrote ${v.out}`);
      }
      return 0;
    } finally {
      await pool.dispose();
    }
  },
};
