import { describe, expect, it } from 'vitest';
import { twoFourZeros } from '../../optimize/prune/magnitude';
import { Network } from '../network';
import { Prng } from '../prng';
import { driveRecipes, exportThrough, tensorValues } from '../../../../test/support/recipe-driver';
import { nOfMMask } from './prune-n-m';
import { isPruningStep, runSchedule, sparsityAt } from './prune-schedule';

/** 8x8x1 -> conv 3x3x8 -> depthwise 3x3 -> conv 1x1x8 -> flatten -> dense 5 (random weights, no zeros). */
function model(seed = 3) {
  return new Network(
    [8, 8, 1],
    [
      { type: 'conv2d', filters: 8, kernel: [3, 3], activation: 'relu' },
      { type: 'depthwise_conv2d', kernel: [3, 3], activation: 'relu' },
      { type: 'conv2d', filters: 8, kernel: [1, 1], activation: 'relu' },
      { type: 'flatten' },
      { type: 'dense', units: 5 },
    ],
    seed,
  ).toTflite();
}

const zeros = (v: ArrayLike<number>) => Array.from(v).filter((x) => x === 0).length;

describe('prune schedule: TFMOT PolynomialDecay (issue 15)', () => {
  it('puts the end at two thirds of the run on a multiple of the 100-step frequency', () => {
    // The demo run: 54,000 training images, batches of 32, 3 epochs = 3 × 1,688 steps.
    expect(runSchedule(0.5, 5064)).toEqual({
      initialSparsity: 0,
      finalSparsity: 0.5,
      power: 3,
      beginStep: 0,
      endStep: 3300,
      frequency: 100,
    });
    // A short run gets ten updates: 30 steps -> end 20, every 2 steps.
    expect(runSchedule(0.8, 30)).toMatchObject({ endStep: 20, frequency: 2 });
  });

  it('ends within the run for every length: at most two thirds of the steps (one step for a 1- or 2-step run)', () => {
    for (let total = 1; total <= 6000; total++) {
      const s = runSchedule(0.5, total);
      expect(s.endStep).toBeLessThanOrEqual(Math.max(1, Math.floor((2 * total) / 3)));
      expect(s.endStep).toBeGreaterThanOrEqual(1);
      expect(sparsityAt(s, s.endStep)).toBe(0.5);
      expect(isPruningStep(s, s.endStep)).toBe(true);
    }
  });

  it('gives final + (initial - final)(1 - p)^3 between begin and end', () => {
    const s = runSchedule(0.5, 5064);
    // p = 0, 1/4, 1/2, 1 and past the end: 0.5 - 0.5·(3/4)^3 = 0.2890625, 0.5 - 0.5·(1/2)^3 = 0.4375.
    expect([0, 825, 1650, 3300, 4000].map((t) => sparsityAt(s, t))).toEqual([0, 0.2890625, 0.4375, 0.5, 0.5]);
    expect([0, 100, 1600, 3300].every((t) => isPruningStep(s, t))).toBe(true);
    expect([1, 50, 3301, 3400].some((t) => isPruningStep(s, t))).toBe(false);
  });
});

describe('prune:S recipe (issue 15)', () => {
  it('zeroes round(s·n) weights per layer at each update, keeps them exactly 0 and exports exactly round(S·n)', () => {
    const m = model();
    const total = 30;
    const schedule = runSchedule(0.5, total);
    const d = driveRecipes(m, [{ kind: 'prune', sparsity: 0.5 }], total);
    const weights = d.params.filter((p) => p.role === 'weight');
    const pruned = new Map(weights.map((p) => [p.tensorIndex, new Set<number>()]));
    for (let step = 0; step < total; step++) {
      d.forward();
      for (const p of weights) {
        const expected = Math.round(
          sparsityAt(schedule, Math.min(step, schedule.endStep) - (step % 2)) * p.size,
        );
        // Updates happen at even steps (frequency 2): the mask of step t is the one of the last update.
        expect(zeros(p.value), `${p.name} at step ${step}`).toBe(expected);
        const was = pruned.get(p.tensorIndex)!;
        for (const i of was) expect(p.value[i]).toBe(0); // once pruned, pruned for good
        p.value.forEach((v, i) => v === 0 && was.add(i));
      }
      d.steps(1);
      // The gradient of every masked weight was zeroed before it reached the master weights.
      d.params.forEach((p, k) => {
        if (p.role !== 'weight') return;
        p.value.forEach((v, i) => v === 0 && expect(d.masterGrad[k][i]).toBe(0));
      });
    }
    // Biases are never pruned: their effective values are their master values.
    d.params
      .filter((p) => p.role === 'bias')
      .forEach((p) => {
        expect(zeros(p.value)).toBe(0);
      });
    d.forward();
    const out = exportThrough(d, m);
    for (const p of weights) {
      const v = tensorValues(out.model, p.tensorIndex);
      expect(zeros(v), p.name).toBe(Math.round(0.5 * p.size));
      expect(v.some((x) => Object.is(x, -0))).toBe(false);
    }
    expect(out.summaries[0]).toMatch(/^prune: 50\.0% of 848 weights zero \(/);
  });

  it('exports the final sparsity exactly when the best epoch predates the schedule end', () => {
    const m = model();
    const d = driveRecipes(m, [{ kind: 'prune', sparsity: 0.3 }], 300);
    d.steps(3);
    d.forward();
    const out = exportThrough(d, m);
    for (const p of d.params.filter((q) => q.role === 'weight'))
      expect(zeros(tensorValues(out.model, p.tensorIndex))).toBe(Math.round(0.3 * p.size));
    expect(out.summaries[0]).toMatch(/reached the final mask only at export/);
  });
});

describe('prune:2:4 recipe (issue 15)', () => {
  it('keeps the two largest of every four consecutive input-channel weights (the optimizer module agrees)', () => {
    const r = new Prng(11);
    for (const inner of [4, 8, 6, 7, 2]) {
      const mag = Float64Array.from({ length: inner * 5 }, () => Math.floor(r.next() * 6)); // ties on purpose
      const mask = new Uint8Array(mag.length);
      nOfMMask(mag, inner, 2, 4, mask);
      const zeroed = [...mask.keys()].filter((i) => mask[i] === 0);
      expect(zeroed, `inner ${inner}`).toEqual([...twoFourZeros(mag, inner)]);
    }
  });

  it('prunes conv and dense weights 2:4 along the input channel, leaves depthwise and 1-channel convs', () => {
    const m = model();
    const d = driveRecipes(m, [{ kind: 'prune-n-m', n: 2, m: 4 }], 30);
    d.steps(25);
    d.forward();
    const out = exportThrough(d, m);
    for (const p of d.params.filter((q) => q.role === 'weight')) {
      const v = tensorValues(out.model, p.tensorIndex);
      const inner = p.shape[p.shape.length - 1];
      if (p.opName === 'DEPTHWISE_CONV_2D' || inner === 1) {
        expect(zeros(v), p.name).toBe(0);
        continue;
      }
      for (let g = 0; g < v.length; g += 4)
        expect(zeros(v.subarray(g, g + 4)), `${p.name} group ${g}`).toBe(2);
    }
    expect(out.summaries[0]).toMatch(/^prune 2:4: /);
  });
});
