/**
 * The combined chain prune → cluster → quantize, each stage's effect measured: file bytes, gzip
 * bytes, and per layer the sparsity and the number of distinct values (see prune/stats.ts).
 *
 * Keeping the cluster count through quantization ("quantize the centroids"): every quantizer maps
 * a float value to one stored value per scale, so N centroids sharing one scale become at most
 * N codes (two centroids closer than a step merge, never split). TFLite's int8 weights are per
 * channel, though: one centroid would become a different code in each channel, up to N × channels
 * codes per layer. So after PER-LAYER clustering the int8 / 16x8 / dynamic quantizers are run
 * per tensor (their `perTensor` option: each centroid gets exactly one code, the round of
 * centroid / scale); after PER-CHANNEL clustering they stay per channel, and each channel keeps
 * at most N codes. float16 maps each centroid to one half value either way. The measured unique
 * values of every stage are in the report, and a warning names any layer that ends above N.
 *
 * Pure: no I/O. Evaluation on data is `evaluateStages` (evaluate/stages.ts).
 */
import { InvalidArgumentError } from '../errors';
import { measureSize, type SizeReport } from '../model/file-size';
import { pruneUnused } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { writeTflite } from '../tflite/writer';
import { clusterModel, CENTROID_INITS, type CentroidInit } from './cluster/index';
import { quantizeModel } from './index';
import {
  needsCalibration,
  resolveTechnique,
  TECHNIQUE_IDS,
  techniquesTaking,
  type TechniqueId,
} from './techniques/registry';
import { pruneModel, storeSparse, weightStats, type LayerStats, type SparseScope } from './prune/index';
import type { PruneSchedule, PruneStructure } from './prune/index';
import type { ProgressFn } from './types';
import type { SamplePool } from '../interpreter/sample-pool';

export type PipelineStage =
  | { kind: 'prune'; sparsity: number }
  | { kind: 'cluster'; clusters: number }
  | { kind: 'quantize'; technique: TechniqueId };

/** "prune:0.5,cluster:16,quantize:int8" → stages, in order (each kind at most once). */
export function parsePipeline(spec: string): PipelineStage[] {
  const stages = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((tok): PipelineStage => {
      const [kindText, arg = '', extra] = tok.split(':');
      const kind = kindText.trim().toLowerCase();
      if (extra !== undefined) throw new InvalidArgumentError(`pipeline stage "${tok}": one argument only`);
      if (kind === 'prune') {
        const s = Number(arg);
        if (!(arg !== '' && s >= 0 && s < 1))
          throw new InvalidArgumentError(`pipeline stage "${tok}": sparsity must be in [0, 1)`);
        return { kind, sparsity: s };
      }
      if (kind === 'cluster') {
        const n = Number(arg);
        if (!(Number.isInteger(n) && n >= 2 && n <= 256))
          throw new InvalidArgumentError(`pipeline stage "${tok}": clusters must be an integer in 2..256`);
        return { kind, clusters: n };
      }
      if (kind === 'quantize') {
        const t = resolveTechnique(arg);
        if (!t)
          throw new InvalidArgumentError(
            `pipeline stage "${tok}": technique must be ${TECHNIQUE_IDS.join(', ')}`,
          );
        return { kind, technique: t };
      }
      throw new InvalidArgumentError(`unknown pipeline stage "${tok}": use prune:S, cluster:N, quantize:T`);
    });
  if (stages.length === 0) throw new InvalidArgumentError('the pipeline is empty');
  const order = { prune: 0, cluster: 1, quantize: 2 };
  for (let i = 1; i < stages.length; i++) {
    if (order[stages[i].kind] <= order[stages[i - 1].kind])
      throw new InvalidArgumentError(`pipeline "${spec}": stages run prune → cluster → quantize, each once`);
  }
  return stages;
}

export interface PipelineOptions {
  schedule?: PruneSchedule;
  structure?: PruneStructure;
  init?: CentroidInit;
  perChannel?: boolean;
  seed?: number;
  minWeights?: number;
  /** Store zero-holding weights in TFLite's sparse format at the end. */
  sparseFormat?: SparseScope | null;
  /** Representative samples (one Float32Array per model input) for int8 / 16x8. */
  calibration?: Float32Array[][];
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Threads to calibrate and debug on (results identical to one thread's). */
  pool?: SamplePool;
}

export interface StageResult {
  stage: string;
  model: TflModel;
  bytes: Uint8Array;
  size: SizeReport;
  layers: LayerStats[];
  warnings: string[];
}

export async function runPipeline(
  input: TflModel,
  stages: readonly PipelineStage[],
  options: PipelineOptions = {},
): Promise<StageResult[]> {
  if (options.init && !CENTROID_INITS.includes(options.init))
    throw new InvalidArgumentError(`unknown centroid init "${options.init}"`);
  const results: StageResult[] = [measure('input', input, [])];
  let model = input;
  let clusters: { n: number; perChannel: boolean; names: Set<string> } | null = null;
  for (const st of stages) {
    const warnings: string[] = [];
    let label: string;
    if (st.kind === 'prune') {
      label = `prune:${st.sparsity}`;
      const r = pruneModel(model, {
        sparsity: st.sparsity,
        schedule: options.schedule,
        structure: options.structure,
        minWeights: options.minWeights,
        signal: options.signal,
      });
      model = r.model;
      warnings.push(...r.warnings);
    } else if (st.kind === 'cluster') {
      label = `cluster:${st.clusters}`;
      // After pruning, clustering always preserves the zeros (otherwise it would undo the pruning).
      const pruned = stages.some((s) => s.kind === 'prune');
      const r = clusterModel(model, {
        clusters: st.clusters,
        init: options.init,
        perChannel: options.perChannel,
        preserveSparsity: pruned,
        seed: options.seed,
        minWeights: options.minWeights,
        signal: options.signal,
      });
      model = r.model;
      warnings.push(...r.warnings);
      clusters = {
        n: st.clusters,
        perChannel: !!options.perChannel,
        names: new Set(r.layers.map((l) => l.name)),
      };
    } else {
      label = `quantize:${st.technique}`;
      const perTensor =
        clusters !== null && !clusters.perChannel && techniquesTaking('perTensor').includes(st.technique);
      if (perTensor)
        warnings.push('weights quantized per tensor so that each layer-wide cluster keeps one int8 code');
      const r = await quantize(model, st.technique, perTensor, options);
      model = r.model;
      warnings.push(...r.warnings);
    }
    if (options.sparseFormat && st === stages[stages.length - 1]) {
      // `model` is this stage's own copy (every stage clones), so rewriting it in place is safe.
      const sparse = storeSparse(model, options.sparseFormat);
      pruneUnused(model);
      warnings.push(...sparse.notes);
    }
    const res = measure(label, model, warnings);
    if (clusters) {
      for (const l of res.layers) {
        if (!clusters.names.has(l.name)) continue;
        const count = clusters.perChannel ? l.maxUniquePerChannel : l.uniqueValues;
        if (count > clusters.n)
          warnings.push(
            `${l.name}: ${count} distinct values after ${label}, more than the ${clusters.n} clusters`,
          );
      }
    }
    results.push(res);
  }
  return results;
}

async function quantize(
  model: TflModel,
  technique: TechniqueId,
  perTensor: boolean,
  o: PipelineOptions,
): Promise<{ model: TflModel; warnings: string[] }> {
  if (needsCalibration(technique) && (!o.calibration || o.calibration.length === 0))
    throw new InvalidArgumentError(`quantize:${technique} needs calibration samples`, {
      option: 'calibration',
    });
  return quantizeModel(model, {
    technique,
    samples: o.calibration,
    perTensor,
    minElements: o.minWeights,
    signal: o.signal,
    onProgress: o.onProgress,
    pool: o.pool,
  });
}

function measure(stage: string, model: TflModel, warnings: string[]): StageResult {
  const bytes = writeTflite(model);
  return { stage, model, bytes, size: measureSize(bytes), layers: weightStats(model), warnings };
}
