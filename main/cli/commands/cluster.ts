import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import { CENTROID_INITS, clusterModel, type CentroidInit } from '../../engine/optimize/cluster/index';
import { parseLayerOps } from '../../engine/optimize/prune/index';
import { openModelFile } from '../../files/model-file';
import { loadEvalSet } from '../load-data';
import { choice, EVALUATION_DATA_FLAGS, intOption, JSON_FLAG, OUT_FLAG } from '../options';
import { stageOf, writeAndReport } from '../stages';
import { prepareOutputFile } from '../output-path';

export const command: CliCommand = {
  name: 'cluster',
  summary: 'Cluster weights (k-means) to N shared values per layer or channel; measure the effect',
  usage: `usage: lowbit cluster MODEL --clusters N --out OUT [options] [--json]

  --clusters N          distinct values per layer (or per output channel), 2..256 (8..256 useful)
  --init                kmeans++ (default) | linear | random | density
  --per-channel         cluster each output channel on its own
  --preserve-sparsity   zeros stay exactly zero and are left out of k-means (use after pruning)
  --seed N              seed for random / kmeans++ initialisation (default 0): same seed, same file
  --min-weights N       skip layers with fewer weights (default 1024)
  --ops LIST            layer ops (default CONV_2D,DEPTHWISE_CONV_2D,FULLY_CONNECTED); never biases
  --data PATH           evaluate input and output on this dataset (accuracy, agreement with input)
  --limit N             evaluate on the first N samples only
The input is never overwritten; the output is written atomically.`,
  async run(argv, ctx) {
    const { values: v, positionals } = parse(
      argv,
      {
        clusters: { type: 'string' },
        init: { type: 'string' },
        'per-channel': { type: 'boolean' },
        'preserve-sparsity': { type: 'boolean' },
        seed: { type: 'string' },
        'min-weights': { type: 'string' },
        ops: { type: 'string' },
        ...OUT_FLAG,
        ...EVALUATION_DATA_FLAGS,
        ...JSON_FLAG,
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    const clusters = intOption(v.clusters, '--clusters');
    if (clusters === undefined) throw new UsageError('--clusters N is required');
    if (!v.out) throw new UsageError('--out OUT is required');
    prepareOutputFile(v.out, [file]);
    const init = choice(v.init, [...CENTROID_INITS], '--init') as CentroidInit | undefined;
    const { tflite: model } = openModelFile(file);
    const samples = v.data ? loadEvalSet(v.data, model, intOption(v.limit, '--limit')) : null;
    const r = clusterModel(model, {
      clusters,
      init,
      perChannel: !!v['per-channel'],
      preserveSparsity: !!v['preserve-sparsity'],
      seed: intOption(v.seed, '--seed') ?? 0,
      minWeights: intOption(v['min-weights'], '--min-weights'),
      ops: v.ops ? parseLayerOps(v.ops) : undefined,
      signal: ctx.signal,
    });
    const stages = [
      stageOf('input', model, []),
      stageOf(`cluster:${clusters}`, r.model, r.warnings),
    ] as const;
    return writeAndReport(ctx, { file, out: v.out, json: v.json, samples }, stages, {
      clustered: r.layers,
      skipped: r.skipped,
      warnings: r.warnings,
    });
  },
};
