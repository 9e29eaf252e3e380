import { describe, expect, it } from 'vitest';
import { Network } from '../network';
import { driveRecipes, exportThrough, tensorValues } from '../../../../test/support/recipe-driver';
import { distinct } from './cluster';
import { runSchedule } from './prune-schedule';

function model(seed = 5) {
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

describe('cluster:K recipe (issue 15)', () => {
  it('uses at most K centroid values per weight tensor from the first batch; biases stay float', () => {
    const m = model();
    const d = driveRecipes(m, [{ kind: 'cluster', clusters: 8 }], 20);
    d.forward();
    for (const p of d.params) {
      if (p.role === 'weight') expect(distinct(p.value), p.name).toBe(8);
      else expect(Array.from(p.value)).toEqual(Array.from(d.master[d.params.indexOf(p)]));
    }
  });

  it("trains centroids with the sum of their members' gradients, assignments fixed", () => {
    const m = model();
    const d = driveRecipes(m, [{ kind: 'cluster', clusters: 4 }], 20);
    d.forward();
    const p = d.params.find((q) => q.opName === 'FULLY_CONNECTED' && q.role === 'weight')!;
    const own = d.recipes[0].ownParams!().find((o) => o.name === `${p.name}/centroids`)!;
    const before = Float32Array.from(p.value);
    const grad = Float64Array.from({ length: p.size }, (_v, i) => ((i * 37) % 11) - 5);
    const expected = Array.from(own.value, (c) => before.reduce((s, v, i) => (v === c ? s + grad[i] : s), 0));
    d.recipes[0].weights!.backward!(p, d.master[d.params.indexOf(p)], p.value, grad);
    expect(Array.from(own.grad)).toEqual(expected);
    expect(grad.every((g) => g === 0)).toBe(true); // nothing flows to the weights below
    own.grad.fill(0);
    // After training steps every weight still sits on its own centroid: same partition.
    d.steps(10);
    d.forward();
    const classOf = (v: Float32Array) => Array.from(v, (x) => Array.from(own.value).indexOf(x));
    const after = classOf(p.value as Float32Array);
    const first = Array.from(before, (x) =>
      Array.from(new Set(before))
        .sort((a, b) => a - b)
        .indexOf(x),
    );
    expect(new Set(after.map((c, i) => `${c}:${first[i]}`)).size).toBe(new Set(after).size);
    expect(after.every((c) => c >= 0)).toBe(true);
  });

  it('after prune:0.5 starts at the schedule end, keeps zero as its own centroid and the sparsity exact', () => {
    const m = model();
    const total = 30;
    const end = runSchedule(0.5, total).endStep; // 20
    const d = driveRecipes(
      m,
      [
        { kind: 'prune', sparsity: 0.5 },
        { kind: 'cluster', clusters: 8 },
      ],
      total,
    );
    d.steps(end - 1);
    d.forward();
    const weights = d.params.filter((p) => p.role === 'weight');
    expect(weights.some((p) => distinct(p.value) > 8)).toBe(true); // not clustered yet
    d.steps(1);
    for (let s = end; s < total; s++) {
      d.forward();
      for (const p of weights) {
        expect(distinct(p.value), `${p.name} step ${s}`).toBeLessThanOrEqual(8);
        expect(zeros(p.value), `${p.name} step ${s}`).toBe(Math.round(0.5 * p.size));
      }
      d.steps(1);
    }
    d.forward();
    const out = exportThrough(d, m);
    for (const p of weights) {
      const v = tensorValues(out.model, p.tensorIndex);
      expect(distinct(v), p.name).toBeLessThanOrEqual(8);
      expect(new Set(v).has(0)).toBe(true);
      expect(zeros(v), p.name).toBe(Math.round(0.5 * p.size));
    }
    expect(out.summaries[1]).toMatch(/^cluster: at most 8 values per layer, zeros kept/);
  });

  it('clusters at export, keeping the sparsity, when the best epoch came before clustering', () => {
    const m = model();
    const d = driveRecipes(
      m,
      [
        { kind: 'prune', sparsity: 0.5 },
        { kind: 'cluster', clusters: 4 },
      ],
      300,
    );
    d.steps(5);
    d.forward();
    const out = exportThrough(d, m);
    for (const p of d.params.filter((q) => q.role === 'weight')) {
      const v = tensorValues(out.model, p.tensorIndex);
      expect(distinct(v), p.name).toBeLessThanOrEqual(4);
      expect(zeros(v), p.name).toBe(Math.round(0.5 * p.size));
    }
    expect(out.summaries[1]).toMatch(/clustered only at export/);
  });
});
