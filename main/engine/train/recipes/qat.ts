/**
 * `qat` and `qat16x8`: quantization-aware training (TFMOT's default 8-bit scheme, and 16x8).
 * The forward pass sees the model the export will write: weights fake-quantized symmetric
 * (narrow range) as TFMOT's default scheme has them, per channel for CONV_2D and
 * DEPTHWISE_CONV_2D, per tensor for FULLY_CONNECTED and for layers an earlier `cluster` step
 * clustered, biases at input scale × weight scale, every activation the quantizer
 * quantizes fake-quantized per tensor from moving-average ranges (engine/train/qat/). Gradients
 * are straight-through, zero where an activation was clamped. The export hands the trained float
 * weights and the ranges to Lowbit's full-integer quantizer as preset parameters, so the integer
 * model has exactly the simulated scales and zero points.
 *
 * Threads: the main thread owns the ranges (planned in setup) and broadcasts per-tensor
 * parameters as `state`; every thread fake-quantizes with them and reports each observed
 * tensor's batch min/max as `stats`; the main thread folds them (min of mins, max of maxes,
 * order-free) and applies one moving-average update per optimizer step, so the ranges do not
 * depend on the worker count. A tensor has no parameters until its first batch has been
 * observed: the first batch runs it in float (TFMOT starts from [−6, 6] instead).
 */
import { QuantizationError } from '../../errors';
import { asString } from '../../tflite/names';
import type { FloatArray, TrainParam } from '../graph/types';
import { exportQat } from '../qat/export';
import {
  activationParams,
  fakeQuantBias,
  fakeQuantize,
  fakeQuantWeights,
  MovingAverageRanges,
  type ActivationParams,
  type ActivationScheme,
} from '../qat/fake-quant';
import { planQat, type QatPlan } from '../qat/plan';
import type { OpPlan } from '../../optimize/full-integer-types';
import { WEIGHT_OPS } from './weight-tensors';
import type { Recipe, RecipeFactory } from './types';

/** What the main thread broadcasts: parameters per fake-quantized tensor, tensors to observe. */
interface QatState {
  params: [tensor: number, scale: number, zeroPoint: number][];
  observe: number[];
}

/** A thread's batch observations: tensor → [min, max], and how many values it clamped of how many. */
interface QatStats {
  ranges: [tensor: number, min: number, max: number][];
  clamped: number;
  seen: number;
}

const asF32 = (a: FloatArray): Float32Array => (a instanceof Float32Array ? a : Float32Array.from(a));

export const qatRecipe: RecipeFactory = (step, ctx) => {
  if (step.kind !== 'qat') throw new QuantizationError(`qat recipe created for step ${step.kind}`);
  const scheme: ActivationScheme = step.activations;
  const name = scheme === 'int16' ? 'qat16x8' : 'qat';
  // Layers clustered by an earlier step get one weight scale per tensor, so their K centroids
  // stay K int8 codes (TFMOT's cluster-preserving QAT keeps the cluster count); FULLY_CONNECTED
  // weights are per tensor anyway (planQat).
  const clustered = ctx.options.recipe.slice(0, ctx.stepIndex).some((s) => s.kind === 'cluster');
  const perTensor = (p: OpPlan) => clustered && WEIGHT_OPS.has(p.name);

  // Main thread.
  let plan: QatPlan | null = null;
  /** Tensor names of the model the plan indexes (to follow an earlier step's renumbering). */
  let plannedNames: string[] = [];
  const ranges = new MovingAverageRanges(0.999);
  const pending = new Map<number, [number, number]>();
  /** Weight scales of the latest fake quantization, by weight tensor and by op. */
  const scalesByTensor = new Map<number, number[]>();
  const scalesByOp = new Map<number, number[]>();
  let steps = 0;

  // Every thread.
  let params = new Map<number, ActivationParams>();
  let observe = new Set<number>();
  const local = new Map<number, [number, number]>();
  const masks = new Map<number, Uint8Array>();
  let clamped = 0;
  let seen = 0;
  // Main thread: over the run.
  let totalClamped = 0;
  let totalSeen = 0;

  const fold = (into: Map<number, [number, number]>, t: number, lo: number, hi: number) => {
    const r = into.get(t);
    if (!r) into.set(t, [lo, hi]);
    else {
      if (lo < r[0]) r[0] = lo;
      if (hi > r[1]) r[1] = hi;
    }
  };

  /** Parameters of every fake-quantized tensor whose group has a range (or fixed parameters). */
  const recompute = () => {
    if (!plan) return;
    const next = new Map<number, ActivationParams>();
    for (const [t, g] of plan.groupOf) {
      const fixed = plan.fixed.get(g);
      const r = ranges.get(g);
      if (fixed) next.set(t, fixed);
      else if (r) next.set(t, activationParams(r, scheme));
    }
    params = next;
    observe = new Set(plan.observed);
  };

  /** Applies the batch's folded min/max as one moving-average update. */
  const flush = () => {
    if (pending.size === 0) return;
    for (const [t, [lo, hi]] of pending) ranges.observeRange(t, lo, hi);
    pending.clear();
    recompute();
  };

  const site = (p: TrainParam) => plan?.weights.find((w) => w.op === p.opIndex);

  const recipe: Recipe = {
    step,
    setup(graph) {
      const m = graph.toModel();
      plan = planQat(m, scheme, perTensor);
      plannedNames = m.subgraphs[0].tensors.map((t) => asString(t.name));
      recompute();
    },
    weights: {
      applies: (p) => site(p) !== undefined,
      forward(p, input, out) {
        const w = site(p)!;
        if (p.role === 'weight') {
          const fq = fakeQuantWeights(asF32(input), p.shape, w.axis);
          out.set(fq.values);
          scalesByTensor.set(p.tensorIndex, fq.scale);
          scalesByOp.set(p.opIndex, fq.scale);
          return;
        }
        // Bias: int32 at input scale × weight scale (the weight runs first: params are in op order).
        const inP = params.get(w.input);
        const ws = scalesByOp.get(p.opIndex);
        if (!inP || !ws) out.set(input);
        else out.set(fakeQuantBias(asF32(input), inP.scale, ws, scheme));
      },
      // Straight-through: weights lie inside their own max|w| range, so the gradient passes.
    },
    activations: {
      forward(s, values, count, training) {
        const n = count * s.shape.reduce((a, b) => a * b, 1);
        const v = values.length === n ? values : values.subarray(0, n);
        const t = s.tensorIndex;
        if (training && observe.has(t)) {
          let lo = Infinity;
          let hi = -Infinity;
          for (let k = 0; k < n; k++) {
            const x = v[k];
            if (x < lo) lo = x;
            if (x > hi) hi = x;
          }
          fold(local, t, lo, hi);
        }
        const p = params.get(t);
        if (!p) {
          masks.delete(t);
          return;
        }
        let mask: Uint8Array | undefined;
        if (training) {
          mask = masks.get(t);
          if (!mask || mask.length < n) masks.set(t, (mask = new Uint8Array(n)));
        }
        const c = fakeQuantize(v, p, scheme, mask);
        if (training) {
          clamped += c;
          seen += n;
        }
      },
      backward(s, _values, grad, count) {
        const mask = masks.get(s.tensorIndex);
        if (!mask) return;
        const n = count * s.shape.reduce((a, b) => a * b, 1);
        for (let k = 0; k < n; k++) if (mask[k] === 0) grad[k] = 0;
      },
      state(): QatState {
        flush();
        return {
          params: [...params].map(([t, p]) => [t, p.scale, p.zeroPoint]),
          observe: [...observe],
        };
      },
      setState(state) {
        const st = state as QatState;
        params = new Map(st.params.map(([t, scale, zeroPoint]) => [t, { scale, zeroPoint }]));
        observe = new Set(st.observe);
      },
      stats(): QatStats {
        const out: QatStats = { ranges: [...local].map(([t, [lo, hi]]) => [t, lo, hi]), clamped, seen };
        local.clear();
        clamped = 0;
        seen = 0;
        return out;
      },
      mergeStats(stats) {
        const st = stats as QatStats;
        for (const [t, lo, hi] of st.ranges) fold(pending, t, lo, hi);
        totalClamped += st.clamped;
        totalSeen += st.seen;
      },
    },
    onStep() {
      // This thread's own observations (when it trained a shard itself), then one EMA update.
      recipe.activations!.mergeStats!(recipe.activations!.stats!());
      flush();
      steps++;
    },
    // The best epoch's ranges (its weights are restored by the loop, their scales recomputed by
    // the weight hook before export).
    snapshot: () => {
      flush();
      return [...ranges.snapshot()];
    },
    restore(state) {
      pending.clear();
      ranges.restore(new Map(state as [number, { min: number; max: number }][]));
      recompute();
    },
    export(model) {
      flush();
      if (!plan) throw new QuantizationError(`${name}: export before setup`);
      const missing = plan.observed.filter((t) => !ranges.has(t));
      if (missing.length > 0)
        throw new QuantizationError(
          `${name}: ${missing.length} activation tensor(s) were never observed in training (e.g. tensor #${missing[0]})`,
        );
      // An earlier step's export may have renumbered the tensors (pruning unused ones): follow
      // the ranges and weight scales by tensor name then, and plan on the model as it is.
      const names = model.subgraphs[0].tensors.map((t) => asString(t.name));
      const same = names.length === plannedNames.length && names.every((n, i) => n === plannedNames[i]);
      let r;
      if (same) r = exportQat(model, ranges.snapshot(), scheme, { plan, weightScales: scalesByTensor });
      else {
        const byName = new Map(names.map((n, i) => [n, i]));
        const moved = <T>(m: ReadonlyMap<number, T>) => {
          const out = new Map<number, T>();
          for (const [t, v] of m) {
            const i = byName.get(plannedNames[t]);
            if (i !== undefined) out.set(i, v);
          }
          return out;
        };
        r = exportQat(model, moved(ranges.snapshot()), scheme, {
          weightScales: moved(scalesByTensor),
          perTensor,
        });
      }
      const channelWise = plan.weights.filter((w) => w.axis !== null).length;
      const pct = totalSeen > 0 ? ((100 * totalClamped) / totalSeen).toFixed(3) : '0.000';
      return {
        model: r.model,
        summary:
          `${name}: ${r.quantizedOps} ops ${scheme === 'int16' ? '16x8' : 'int8'}, ${channelWise} weight tensors per channel, ${plan.weights.length - channelWise} per tensor${clustered ? ' (clustered: at most K codes)' : ''}, ` +
          `${plan.observed.length} activation ranges (moving average, decay 0.999, ${steps} steps), ${pct}% of activations clamped in training`,
      };
    },
  };
  return recipe;
};
