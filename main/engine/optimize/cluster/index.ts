/**
 * Weight clustering: each selected layer (or each output channel of it) keeps at most N distinct
 * values, the k-means centroids of its weights. Post-training, no fine-tuning.
 *
 * Sparsity preservation: zeros are excluded from k-means and stay exactly zero; the non-zero
 * weights get N - 1 clusters when the layer/channel has zeros, so zero plus the centroids is
 * still at most N distinct values. (A centroid of non-zero weights is not zero unless weights of
 * both signs cancel exactly.)
 *
 * int8 weights (zero point 0) are clustered as codes: centroids are rounded to integers (half
 * away from zero) within [-127, 127], so every code maps to one real value per channel. Per-layer
 * clustering of per-channel-quantized int8 weights would give N codes but N different real values
 * per channel, so it is refused: use perChannel.
 */
import { InvalidArgumentError, throwIfAborted } from '../../errors';
import { pruneUnused } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { cloneModel } from '../model-util';
import {
  channelIndexer,
  findWeightLayers,
  readWeights,
  writeWeights,
  type LayerSelection,
  type SkippedLayer,
  type WeightLayer,
} from '../prune/layers';
import { kmeans1d, nearest, type CentroidInit } from './kmeans';

export { CENTROID_INITS, kmeans1d, seededRandom, type CentroidInit } from './kmeans';

export interface ClusterOptions extends LayerSelection {
  /** Clusters per layer (or per channel): 2..256 (8..256 is the useful range). */
  clusters: number;
  init?: CentroidInit;
  perChannel?: boolean;
  preserveSparsity?: boolean;
  seed?: number;
  signal?: AbortSignal;
}

export interface ClusteredLayer {
  name: string;
  op: string;
  weights: number;
  /** Distinct values after clustering (layer-wide). */
  uniqueValues: number;
  /** Most distinct values in one output channel. */
  maxUniquePerChannel: number;
  zeros: number;
  /** Mean squared error introduced, in real values. */
  mse: number;
}

export interface ClusterResult {
  model: TflModel;
  layers: ClusteredLayer[];
  skipped: SkippedLayer[];
  warnings: string[];
}

export function clusterModel(input: TflModel, options: ClusterOptions): ClusterResult {
  const k = options.clusters;
  if (!Number.isInteger(k) || k < 2 || k > 256)
    throw new InvalidArgumentError(`clusters ${k} must be an integer in 2..256`);
  const model = cloneModel(input);
  const found = findWeightLayers(model, options);
  const skipped = [...found.skipped];
  const layers: ClusteredLayer[] = [];
  for (const layer of found.layers) {
    throwIfAborted(options.signal);
    const r = clusterLayer(model, layer, options);
    if (typeof r === 'string') skipped.push({ name: layer.name, op: layer.opName, reason: r });
    else layers.push(r);
  }
  pruneUnused(model);
  const warnings = found.layers.length === 0 ? ['no layer was eligible for clustering (see skipped)'] : [];
  return { model, layers, skipped, warnings };
}

function clusterLayer(model: TflModel, layer: WeightLayer, o: ClusterOptions): ClusteredLayer | string {
  const w = readWeights(model, layer);
  const n = w.length;
  for (let i = 0; i < n; i++) if (!Number.isFinite(w[i])) return 'weights contain NaN or Infinity';
  const t = model.subgraphs[layer.subgraph].tensors[layer.tensor];
  const perChannelScales = layer.dtype === 'int8' && (t.quantization?.scale.length ?? 0) > 1;
  if (perChannelScales && !o.perChannel)
    return 'int8 weights quantized per channel: cluster them per channel';
  const ch = channelIndexer(layer.shape, layer.outAxis);
  const groups = o.perChannel ? layer.shape[layer.outAxis] : 1;
  const members: number[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < n; i++) members[o.perChannel ? ch(i) : 0].push(i);
  const out = layer.dtype === 'int8' ? new Int8Array(n) : new Float32Array(n);
  let se = 0;
  for (let g = 0; g < groups; g++) {
    const idx = members[g];
    const keepZero = !!o.preserveSparsity;
    const live = keepZero ? idx.filter((i) => w[i] !== 0) : idx;
    const hasZero = keepZero && live.length < idx.length;
    const values = Float64Array.from(live, (i) => w[i]);
    const k = hasZero ? o.clusters - 1 : o.clusters;
    // Seed varies per channel so channels do not share one random draw.
    let { centroids } = kmeans1d(values, k, o.init ?? 'kmeans++', (o.seed ?? 0) + g * 7919);
    if (layer.dtype === 'int8') {
      centroids = Float64Array.from(new Set(Array.from(centroids, roundCode))).sort();
    }
    for (const i of idx) out[i] = 0;
    for (const i of live) out[i] = centroids.length ? centroids[nearest(centroids, w[i])] : 0;
  }
  for (let i = 0; i < n; i++) {
    const s = layer.scaleOf(i);
    se += ((out[i] - w[i]) * s) ** 2;
  }
  writeWeights(model, layer, out);
  const all = new Set<number>();
  const per = new Map<number, Set<number>>();
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    all.add(out[i]);
    if (out[i] === 0) zeros++;
    const c = ch(i);
    let set = per.get(c);
    if (!set) per.set(c, (set = new Set()));
    set.add(out[i]);
  }
  let maxPer = 0;
  for (const s of per.values()) maxPer = Math.max(maxPer, s.size);
  return {
    name: layer.name,
    op: layer.opName,
    weights: n,
    uniqueValues: all.size,
    maxUniquePerChannel: maxPer,
    zeros,
    mse: se / n,
  };
}

/** Nearest int8 code, halves away from zero, within the symmetric range [-127, 127]. */
function roundCode(x: number): number {
  const r = Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
  return Math.max(-127, Math.min(127, r));
}
