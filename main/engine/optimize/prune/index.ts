/**
 * Post-training pruning: unstructured magnitude pruning (per layer or one global threshold),
 * structured 2:4, or channel pruning (prune/channel.ts). The input model is never modified;
 * pruned weights get new buffers. Biases are never pruned.
 */
import { InvalidArgumentError, throwIfAborted } from '../../errors';
import { pruneUnused } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { cloneModel } from '../model-util';
import { pruneChannels } from './channel';
import {
  findWeightLayers,
  readWeights,
  writeWeights,
  type LayerSelection,
  type PrunedLayer,
  type SkippedLayer,
  type WeightLayer,
} from './layers';
import { smallestK, targetZeros, twoFourZeros } from './magnitude';
import { storeSparse, type SparseScope, type SparseStoreResult } from './sparse-store';

export type PruneSchedule = 'per-layer' | 'global';
export type PruneStructure = 'unstructured' | '2:4' | 'channel';

export interface PruneOptions extends LayerSelection {
  /** Fraction of weights (unstructured), or of output channels (channel), to remove: [0, 1). */
  sparsity: number;
  schedule?: PruneSchedule;
  structure?: PruneStructure;
  /** Store pruned weights in TFLite's sparse format ('fc': FULLY_CONNECTED only, as TFLite does). */
  sparseFormat?: SparseScope | null;
  signal?: AbortSignal;
}

export interface PruneResult {
  model: TflModel;
  layers: PrunedLayer[];
  skipped: SkippedLayer[];
  sparse: SparseStoreResult | null;
  warnings: string[];
}

export function pruneModel(input: TflModel, options: PruneOptions): PruneResult {
  const s = options.sparsity;
  const structure = options.structure ?? 'unstructured';
  if (!(s >= 0 && s < 1) && structure !== '2:4')
    throw new InvalidArgumentError(`sparsity ${s} must be in [0, 1)`);
  const model = cloneModel(input);
  const found = findWeightLayers(model, options);
  const skipped = [...found.skipped];
  const warnings: string[] = [];
  let layers: PrunedLayer[];
  if (structure === 'channel') {
    const r = pruneChannels(model, found.layers, s, options.signal);
    layers = r.layers;
    skipped.push(...r.skipped);
  } else if (structure === '2:4') {
    layers = [];
    for (const layer of found.layers) {
      throwIfAborted(options.signal);
      if (layer.opName === 'DEPTHWISE_CONV_2D') {
        skipped.push({
          name: layer.name,
          op: layer.opName,
          reason: '2:4 runs along the input axis, which a depthwise filter does not have',
        });
        continue;
      }
      const inner = layer.shape[layer.shape.length - 1];
      layers.push(applyZeros(model, layer, (mag) => twoFourZeros(mag, inner)));
    }
  } else if ((options.schedule ?? 'per-layer') === 'per-layer') {
    layers = found.layers.map((layer) => {
      throwIfAborted(options.signal);
      return applyZeros(model, layer, (mag) => smallestK(mag, targetZeros(mag.length, s)));
    });
  } else {
    layers = pruneGlobal(model, found.layers, s);
  }
  if (found.layers.length === 0) warnings.push('no layer was eligible for pruning (see skipped)');
  const sparse = options.sparseFormat ? storeSparse(model, options.sparseFormat) : null;
  if (sparse) warnings.push(...sparse.notes);
  // The replaced dense buffers are unreferenced now: drop them or the file would grow.
  pruneUnused(model);
  return { model, layers, skipped, sparse, warnings };
}

function magnitudes(model: TflModel, layer: WeightLayer): { w: Float32Array | Int8Array; mag: Float64Array } {
  const w = readWeights(model, layer);
  const mag = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) mag[i] = Math.abs(w[i]) * layer.scaleOf(i);
  return { w, mag };
}

function applyZeros(
  model: TflModel,
  layer: WeightLayer,
  pick: (mag: Float64Array) => Uint32Array,
): PrunedLayer {
  const { w, mag } = magnitudes(model, layer);
  for (const i of pick(mag)) w[i] = 0;
  writeWeights(model, layer, w);
  return summary(layer, w);
}

function summary(layer: WeightLayer, w: Float32Array | Int8Array): PrunedLayer {
  let zeros = 0;
  for (let i = 0; i < w.length; i++) if (w[i] === 0) zeros++;
  return {
    name: layer.name,
    op: layer.opName,
    shape: layer.shape,
    weights: w.length,
    zeros,
    sparsity: zeros / w.length,
  };
}

/**
 * One threshold across every selected layer: the round(s × N) smallest magnitudes of all N
 * weights are zeroed (ties: earlier layer, then lower index), so layers with many small weights
 * lose more than others.
 */
function pruneGlobal(model: TflModel, layers: WeightLayer[], s: number): PrunedLayer[] {
  const parts = layers.map((l) => magnitudes(model, l));
  const total = parts.reduce((n, p) => n + p.mag.length, 0);
  const all = new Float64Array(total);
  let off = 0;
  for (const p of parts) {
    all.set(p.mag, off);
    off += p.mag.length;
  }
  const zero = smallestK(all, targetZeros(total, s));
  const starts: number[] = [];
  off = 0;
  for (const p of parts) {
    starts.push(off);
    off += p.mag.length;
  }
  let li = 0;
  for (const g of zero) {
    while (li + 1 < parts.length && g >= starts[li + 1]) li++;
    parts[li].w[g - starts[li]] = 0;
  }
  return layers.map((l, i) => {
    writeWeights(model, l, parts[i].w);
    return summary(l, parts[i].w);
  });
}

export { findWeightLayers, parseLayerOps, DEFAULT_MIN_WEIGHTS, DEFAULT_OPS } from './layers';
export type { LayerOp, PrunedLayer, SkippedLayer } from './layers';
export { weightStats, type LayerStats } from './stats';
export { storeSparse, type SparseScope } from './sparse-store';
