import { describe, expect, it } from 'vitest';
import { buildComparison, toHtml, toJson, toMarkdown } from './report';
import type { ModelEvaluation } from './evaluate';

function ev(bytes: number, top1: number, ms: number, agreement?: number): ModelEvaluation {
  return {
    size: { bytes, gzipBytes: Math.round(bytes * 0.8) },
    arenaBytes: 4096,
    samples: 100,
    accuracy: { samples: 100, top1, top5: 1, perClass: [], confusion: [] },
    fidelity:
      agreement === undefined
        ? null
        : { samples: 100, agreement, sqnrDb: 30, klDivergence: 0.01, cosine: 1, mse: 0, maxAbsError: 0 },
    latency: { medianMs: ms, p90Ms: ms * 1.5, runs: 10, threads: 1 },
  };
}

describe('comparison report (issue 5)', () => {
  const r = buildComparison('Demo <model>', 'fashion-mnist test (2000)', [
    { technique: 'float32', file: 'a.tflite', evaluation: ev(40000, 0.9, 2) },
    { technique: 'int8', file: 'b.tflite', evaluation: ev(10400, 0.895, 1, 0.99) },
  ]);

  it('computes ratios, deltas and speed-ups against the first row', () => {
    expect(r.rows[1]).toMatchObject({ sizeRatio: 0.26, speedup: 2, agreement: 0.99, sqnrDb: 30 });
    expect(r.rows[1]!.accuracyDeltaPts).toBeCloseTo(-0.5, 10);
    expect(r.rows[0]!.accuracyDeltaPts).toBe(0);
  });

  it('renders Markdown with one row per model', () => {
    const md = toMarkdown(r);
    expect(md).toContain(
      '| int8 | 10.2 KB | 0.260 | 8.1 KB | 89.50% | -0.50 | 99.00% | 30.0 dB | 1.00 / 1.50 ms | 1 | 2.00x | 4.0 KB |',
    );
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBe(3);
  });

  it('renders a standalone, script-free HTML page with escaped text and two charts', () => {
    const html = toHtml(r);
    expect(html).toContain('<title>Demo &lt;model&gt;</title>');
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html.match(/<svg /g)!.length).toBe(2);
    expect(html.match(/class="bar"/g)!.length).toBe(2);
  });

  it('JSON keeps infinite SQNR readable', () => {
    const inf = buildComparison('t', 'd', [
      {
        technique: 'x',
        file: 'x',
        evaluation: {
          ...ev(1, 1, 1),
          fidelity: {
            samples: 1,
            agreement: 1,
            sqnrDb: Infinity,
            klDivergence: 0,
            cosine: 1,
            mse: 0,
            maxAbsError: 0,
          },
        },
      },
    ]);
    expect(JSON.parse(toJson(inf)).rows[0].sqnrDb).toBe('Infinity');
  });
});
