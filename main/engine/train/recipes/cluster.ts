/**
 * `cluster:K`: TFMOT weight clustering with fine-tuning. Each CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED kernel (TFMOT's clusterable Conv2D, DepthwiseConv2D and Dense kernels; biases
 * stay float) is replaced by K centroids: k-means++ seeding (TFMOT's default
 * CentroidInitialization.KMEANS_PLUS_PLUS), then Lloyd iterations to convergence
 * (optimize/cluster/kmeans.ts, seeded from the run's seed). Each weight keeps the centroid it was
 * assigned to for the whole run; the centroids are trained: a centroid's gradient is the sum of
 * its members' gradients, and the run's Adam updates them (ownParams). The weights the forward
 * uses are the centroids' values, so every epoch, and the export, has at most K distinct values
 * per clustered tensor.
 *
 * After a pruning step (`prune:0.5,cluster:16`) clustering preserves sparsity, as TFMOT's
 * sparsity-preserving clustering does: it starts when the pruning schedule has reached its final
 * mask (prune-schedule.ts: the end step), zero stays a centroid of its own that never trains,
 * only the non-zero weights are clustered (into K - 1 centroids), so pruned weights stay exactly
 * zero and the layer still has at most K distinct values. Until then the weights pass through.
 *
 * Gradients to the weights below (the master weights, or the pruning step's output) are zero
 * once clustering has started: the effective weights no longer depend on them.
 */
import { kmeans1d, nearest } from '../../optimize/cluster/kmeans';
import type { TrainGraph, TrainParam } from '../graph/types';
import { runSchedule } from './prune-schedule';
import type { OwnParam, RecipeFactory, WeightHook } from './types';
import { count, readFloatTensor, WEIGHT_OPS, withFloatTensors } from './weight-tensors';

/** Assignment of a weight kept at exact zero (sparsity-preserving clustering). */
const ZERO = 0xffff;

interface Layer {
  own: OwnParam;
  /** Centroid index per weight, ZERO for a preserved zero; empty until clustering starts. */
  assign: Uint16Array;
  /** Centroids k-means produced (≤ the slots: a layer with fewer distinct values gets fewer). */
  used: number;
}

/**
 * Clusters `values` into at most `k` float32 centroids (zeros kept apart when `preserveZeros`):
 * fills `centroids` (sorted, unused slots 0) and `assign`, returns the centroids used.
 */
export function clusterValues(
  values: ArrayLike<number>,
  k: number,
  preserveZeros: boolean,
  seed: number,
  centroids: Float32Array,
  assign: Uint16Array,
): number {
  const pool: number[] = [];
  for (let i = 0; i < values.length; i++) if (!preserveZeros || values[i] !== 0) pool.push(values[i]!);
  const c = kmeans1d(Float64Array.from(pool), preserveZeros ? k - 1 : k, 'kmeans++', seed).centroids;
  centroids.fill(0);
  centroids.set(c);
  for (let i = 0; i < values.length; i++)
    assign[i] = preserveZeros && values[i] === 0 ? ZERO : nearest(c, values[i]!);
  return c.length;
}

export const clusterRecipe: RecipeFactory = (step, ctx) => {
  if (step.kind !== 'cluster') throw new Error(`cluster recipe given a ${step.kind} step`);
  const k = step.clusters;
  const recipe = ctx.options.recipe;
  const preserve = recipe.slice(0, ctx.stepIndex).some((s) => s.kind === 'prune' || s.kind === 'prune-n-m');
  const slots = preserve ? k - 1 : k;
  const layers = new Map<number, Layer>();
  let stepsDone = 0;
  /** Steps after which clustering starts: 0, or the pruning schedule's end (known after the first step). */
  let startStep = preserve ? Infinity : 0;
  const seedOf = (p: TrainParam) => (ctx.options.seed + 7919 * p.tensorIndex) >>> 0;

  const applies = (p: TrainParam) => p.role === 'weight' && WEIGHT_OPS.has(p.opName);
  const layerOf = (p: TrainParam): Layer => {
    let l = layers.get(p.tensorIndex);
    if (!l) {
      l = {
        own: { name: `${p.name}/centroids`, value: new Float32Array(slots), grad: new Float64Array(slots) },
        assign: new Uint16Array(0),
        used: 0,
      };
      layers.set(p.tensorIndex, l);
    }
    return l;
  };

  const weights: WeightHook = {
    applies,
    forward(param, input, out) {
      const l = layerOf(param);
      if (l.assign.length === 0) {
        if (stepsDone < startStep) {
          out.set(input);
          return;
        }
        l.assign = new Uint16Array(param.size);
        l.used = clusterValues(input, k, preserve, seedOf(param), l.own.value, l.assign);
      }
      const c = l.own.value;
      const a = l.assign;
      for (let i = 0; i < out.length; i++) out[i] = a[i] === ZERO ? 0 : c[a[i]!]!;
    },
    backward(param, _input, _out, grad) {
      const l = layers.get(param.tensorIndex);
      if (!l || l.assign.length === 0) return;
      const g = l.own.grad;
      const a = l.assign;
      for (let i = 0; i < grad.length; i++) {
        if (a[i] !== ZERO) g[a[i]!]! += grad[i]!;
        grad[i] = 0;
      }
    },
  };

  return {
    step,
    weights,
    setup(graph: TrainGraph) {
      // Every clustered tensor's centroids exist from the start, so ownParams() is complete
      // whenever the loop asks; they get gradients once clustering starts.
      for (const p of graph.params) if (applies(p)) layerOf(p);
    },
    ownParams: () => [...layers.values()].map((l) => l.own),
    // The best epoch's centroids (trained by the loop's Adam, not among the master weights the
    // loop restores) and assignments go with its weights into the export.
    snapshot: () => ({
      stepsDone,
      layers: [...layers].map(
        ([t, l]) => [t, { value: l.own.value.slice(), assign: l.assign.slice(), used: l.used }] as const,
      ),
    }),
    restore(state) {
      const s = state as {
        stepsDone: number;
        layers: (readonly [number, { value: Float32Array; assign: Uint16Array; used: number }])[];
      };
      stepsDone = s.stepsDone;
      for (const [t, saved] of s.layers) {
        const l = layers.get(t);
        if (!l) continue;
        l.own.value.set(saved.value);
        l.assign = saved.assign.slice();
        l.used = saved.used;
      }
    },
    // Clustered from its start step on (the forward after that step clusters).
    complete: (progress) => !preserve || progress.step >= runSchedule(0, progress.totalSteps).endStep,
    onStep(progress) {
      stepsDone = progress.step;
      if (preserve && startStep === Infinity) startStep = runSchedule(0, progress.totalSteps).endStep;
    },
    export(model, graph) {
      const changed = new Map<number, Float32Array>();
      const parts: string[] = [];
      let late = 0;
      for (const p of graph.params) {
        if (!applies(p)) continue;
        const l = layerOf(p);
        let v: Float32Array;
        if (l.assign.length > 0) {
          // The best epoch's centroids and assignments (a later qat step may have fake-quantized
          // the model's copy per channel; it quantizes these values to the same integers).
          const c = l.own.value;
          v = Float32Array.from(l.assign, (a) => (a === ZERO ? 0 : c[a]!));
        } else {
          // The best epoch came before clustering started (or the run was cancelled then):
          // cluster the exported weights now, without fine-tuning.
          v = readFloatTensor(model, p.tensorIndex);
          const c = new Float32Array(slots);
          const a = new Uint16Array(v.length);
          clusterValues(v, k, preserve, seedOf(p), c, a);
          for (let i = 0; i < v.length; i++) v[i] = a[i] === ZERO ? 0 : c[a[i]!]!;
          late++;
        }
        changed.set(p.tensorIndex, v);
        parts.push(`${p.name} ${distinct(v)}`);
      }
      const kept = preserve ? ', zeros kept' : '';
      const note = late
        ? `; ${late} layer(s) clustered only at export (the best epoch came before clustering)`
        : '';
      return {
        model: withFloatTensors(model, changed),
        summary: `cluster: at most ${k} values per layer${kept} (${parts.join(', ')} distinct)${note}`,
      };
    },
    summary: () => `cluster: ${count(layers.size)} layers, ${k} centroids each`,
  };
};

/** Distinct values (+0 and -0 count as one). */
export function distinct(v: ArrayLike<number>): number {
  const s = new Set<number>();
  for (let i = 0; i < v.length; i++) s.add(v[i]!);
  return s.size;
}
