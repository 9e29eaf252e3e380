/**
 * What `prune:S` and `prune:N:M` share: a 0/1 mask per weight, recomputed from magnitudes on the
 * PolynomialDecay schedule's update steps (prune-schedule.ts), applied to the weights the forward
 * uses and to their gradients, and enforced once more on the exported weights.
 *
 * Masked weights are exactly +0 in the forward, in every gradient step and in the export: the
 * effective weight is written as 0 (not w · 0, which is -0 for a negative w), and the gradient of
 * a masked entry is zeroed, so nothing flows back to it. Magnitudes for the next mask are those
 * of the masked weights (a masked entry counts as 0), as TFMOT computes them from the weight
 * variable it has masked in place, so pruned weights stay pruned.
 *
 * The mask is updated lazily, in the weight hook's forward: the hook knows the optimizer steps
 * done from onStep, and the forward before a batch is where TFMOT's wrapper updates it (before
 * the batch's forward, from the weights after the previous step).
 */
import type { TrainGraph, TrainParam } from '../graph/types';
import { isPruningStep, runSchedule, sparsityAt, type PolynomialDecay } from './prune-schedule';
import type { Progress, Recipe, RecipeContext, WeightHook } from './types';
import { count, readFloatTensor, withFloatTensors } from './weight-tensors';

export interface MaskRule {
  /** Step name for summaries ("prune", "prune 2:4"). */
  name: string;
  /** Whether the rule prunes this parameter at all. */
  applies(param: TrainParam): boolean;
  /** The target sparsity of the schedule (for prune:S; N:M sparsity is reached at every update). */
  finalSparsity: number;
  /**
   * Writes the mask (1 keep, 0 prune) for `magnitudes` at schedule sparsity `sparsity` (the
   * final one at export). Deterministic; ties broken by position.
   */
  mask(param: TrainParam, magnitudes: Float64Array, sparsity: number, out: Uint8Array): void;
  /** Per-layer detail for the summary, from the exported weights (e.g. "108 of 216"). */
  describe?(param: TrainParam, values: Float32Array): string;
}

interface LayerMask {
  mask: Uint8Array;
  /** Steps done when the mask was last computed; -1 before the first computation. */
  updatedAt: number;
}

/** Builds the recipe of a masking rule (prune.ts, prune-n-m.ts). */
export function maskedRecipe(rule: MaskRule, ctx: RecipeContext): Recipe {
  const layers = new Map<number, LayerMask>();
  let stepsDone = 0;
  let schedule: PolynomialDecay | undefined;
  // Before the first onStep the run's length is unknown; step 0 is the schedule's begin step,
  // where PolynomialDecay gives its initial sparsity (0; N:M rules ignore it).
  const sparsityNow = () => (schedule ? sparsityAt(schedule, stepsDone) : 0);

  const weights: WeightHook = {
    applies: (p) => p.role === 'weight' && rule.applies(p),
    forward(param, input, out) {
      let layer = layers.get(param.tensorIndex);
      if (!layer) {
        layer = { mask: new Uint8Array(param.size).fill(1), updatedAt: -1 };
        layers.set(param.tensorIndex, layer);
      }
      const due = schedule ? isPruningStep(schedule, stepsDone) : stepsDone === 0;
      if (due && layer.updatedAt !== stepsDone) {
        const mag = new Float64Array(param.size);
        for (let i = 0; i < mag.length; i++) mag[i] = layer.mask[i] ? Math.abs(input[i]) : 0;
        rule.mask(param, mag, sparsityNow(), layer.mask);
        layer.updatedAt = stepsDone;
      }
      const m = layer.mask;
      for (let i = 0; i < out.length; i++) out[i] = m[i] ? input[i] : 0;
    },
    backward(param, _input, _out, grad) {
      const m = layers.get(param.tensorIndex)?.mask;
      if (!m) return;
      for (let i = 0; i < grad.length; i++) if (!m[i]) grad[i] = 0;
    },
  };

  return {
    step: ctx.step,
    weights,
    // The best epoch's masks go with its weights (run.ts restores both before export).
    snapshot: () => ({
      stepsDone,
      layers: [...layers].map(([t, l]) => [t, { mask: l.mask.slice(), updatedAt: l.updatedAt }] as const),
    }),
    restore(state) {
      const s = state as { stepsDone: number; layers: (readonly [number, LayerMask])[] };
      stepsDone = s.stepsDone;
      layers.clear();
      for (const [t, l] of s.layers) layers.set(t, { mask: l.mask.slice(), updatedAt: l.updatedAt });
    },
    // The mask is final from the schedule's end step on (the forward after that step computes it).
    complete: (progress) => progress.step >= runSchedule(rule.finalSparsity, progress.totalSteps).endStep,
    onStep(progress: Progress) {
      stepsDone = progress.step;
      schedule ??= runSchedule(rule.finalSparsity, progress.totalSteps);
    },
    export(model, graph: TrainGraph) {
      // The best epoch may predate the schedule's end (or the run was cancelled): the exported
      // weights then get the final mask from their magnitudes here, and the summary says so.
      const changed = new Map<number, Float32Array>();
      const parts: string[] = [];
      let zeros = 0;
      let total = 0;
      let completed = 0;
      for (const p of graph.params) {
        if (!weights.applies(p)) continue;
        const v = readFloatTensor(model, p.tensorIndex);
        const mag = Float64Array.from(v, Math.abs);
        const mask = new Uint8Array(v.length);
        rule.mask(p, mag, rule.finalSparsity, mask);
        let newlyZero = 0;
        for (let i = 0; i < v.length; i++)
          if (!mask[i] && v[i] !== 0) {
            v[i] = 0;
            newlyZero++;
          } else if (!mask[i]) v[i] = 0; // -0 → +0
        if (newlyZero > 0) completed++;
        changed.set(p.tensorIndex, v);
        let z = 0;
        for (let i = 0; i < v.length; i++) if (v[i] === 0) z++;
        zeros += z;
        total += v.length;
        parts.push(`${p.name} ${rule.describe?.(p, v) ?? `${count(z)} of ${count(v.length)}`}`);
      }
      const pct = total ? ((100 * zeros) / total).toFixed(1) : '0.0';
      const late =
        completed > 0
          ? `; ${completed} layer(s) reached the final mask only at export (the best epoch came before the schedule ended)`
          : '';
      return {
        model: withFloatTensors(model, changed),
        summary: `${rule.name}: ${pct}% of ${count(total)} weights zero (${parts.join(', ')})${late}`,
      };
    },
  };
}
