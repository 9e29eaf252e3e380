import { describe, expect, it } from 'vitest';
import {
  ClassificationTally,
  FidelityTally,
  argmax,
  klDivergence,
  latencyStats,
  sqnrDb,
  toProbabilities,
  topK,
} from './metrics';
import { measureSize } from '../model/file-size';

describe('evaluation metrics (issue 5)', () => {
  it('argmax and topK break ties toward the lower index', () => {
    expect(argmax([0.1, 0.7, 0.7, 0.2])).toBe(1);
    expect(topK([0.1, 0.7, 0.7, 0.2, 0.9], 3)).toEqual([4, 1, 2]);
  });

  it('tallies top-1, top-5, per-class accuracy and the confusion matrix', () => {
    const t = new ClassificationTally(6);
    t.add([0.9, 0, 0, 0, 0, 0.1], 0); // right
    t.add([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 0); // wrong, and class 0 is 6th: outside top-5
    t.add([0, 0.6, 0.4, 0, 0, 0], 2); // wrong, top-5 hit
    t.add([0, 0, 0.5, 0, 0, 0], 2); // right
    const r = t.result();
    expect(r.top1).toBe(0.5);
    expect(r.top5).toBe(0.75);
    expect(r.perClass[0]).toEqual({ class: 0, count: 2, accuracy: 0.5 });
    expect(r.perClass[2]).toEqual({ class: 2, count: 2, accuracy: 0.5 });
    expect(r.perClass[1]).toEqual({ class: 1, count: 0, accuracy: null });
    expect(r.confusion[0]).toEqual([1, 0, 0, 0, 0, 1]);
    expect(r.confusion[2]).toEqual([0, 1, 1, 0, 0, 0]);
  });

  it('SQNR, agreement, cosine, MSE and max error against a reference', () => {
    const f = new FidelityTally();
    f.add([1, 2, 3, 4], [1, 2, 3, 5]); // noise energy 1, signal 30
    f.add([4, 3, 2, 1], [4, 3, 2, 1]);
    const r = f.result();
    expect(r.sqnrDb).toBeCloseTo(10 * Math.log10(60 / 1), 10);
    expect(r.agreement).toBe(1);
    expect(r.mse).toBeCloseTo(1 / 8, 12);
    expect(r.maxAbsError).toBe(1);
    expect(r.cosine).toBeCloseTo((30 + 30 + 4) / Math.sqrt(60 * 69), 12);
    expect(sqnrDb(5, 0)).toBe(Infinity);
  });

  it('KL divergence uses probabilities as given and softmaxes logits', () => {
    expect(klDivergence([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(klDivergence([1, 0], [0.5, 0.5])).toBeCloseTo(Math.log(2), 12);
    expect(Array.from(toProbabilities([0.25, 0.75]))).toEqual([0.25, 0.75]);
    const p = toProbabilities([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
  });

  it('latency: median and nearest-rank p90', () => {
    expect(latencyStats([5, 1, 3, 2, 4])).toEqual({ medianMs: 3, p90Ms: 5, runs: 5 });
    expect(latencyStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual({ medianMs: 5.5, p90Ms: 9, runs: 10 });
  });

  it('gzip size shows what zeros buy', () => {
    const dense = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
    const sparse = dense.map((v, i) => (i % 2 ? 0 : v));
    const a = measureSize(dense);
    const b = measureSize(sparse);
    expect(a.bytes).toBe(4096);
    expect(b.bytes).toBe(4096);
    expect(b.gzipBytes).toBeLessThan(a.gzipBytes);
  });
});
