// Issue 15: with labelled data and retraining allowed, the advisor names the training recipe
// for the priority (QAT for accuracy, prune+cluster+QAT for size, distillation for latency),
// with its reasons; without labels, without retraining or for a quantized model, none.
import { describe, expect, it } from 'vitest';
import { adviseTraining } from './training';
import type { AdvisorInput, ModelFacts } from './types';

const FLOAT: ModelFacts = {
  sizeBytes: 100_000,
  dtype: 'float32',
  alreadyQuantized: false,
  opCounts: { CONV_2D: 2, FULLY_CONNECTED: 1 },
  int8UnsupportedOps: [],
  edgeTpuUnsupportedOps: [],
};

const input = (over: Partial<AdvisorInput>): AdvisorInput => ({
  data: { kind: 'labelled', count: 54_000 },
  retrain: true,
  target: 'cpu',
  priority: 'accuracy',
  model: FLOAT,
  ...over,
});

describe('adviseTraining', () => {
  it.each([
    ['accuracy', 'qat'],
    ['size', 'prune:0.5,cluster:16,qat'],
    ['latency', 'distill:0.5'],
  ] as const)('%s first → %s, the other two as alternatives', (priority, recipe) => {
    const a = adviseTraining(input({ priority }))!;
    expect(a.recipe).toBe(recipe);
    expect(a.priority).toBe(priority);
    expect(a.reasons[0]).toMatch(new RegExp(`^${priority[0]!.toUpperCase()}${priority.slice(1)} first`));
    expect(a.alternatives.map((x) => x.recipe).sort()).toEqual(
      ['qat', 'prune:0.5,cluster:16,qat', 'distill:0.5'].filter((r) => r !== recipe).sort(),
    );
    expect(a.warnings).toEqual([]);
  });

  it.each(['mcu', 'edgetpu', 'dsp'] as const)(
    'on %s (integers only, stored uncompressed) size and latency → distill:0.5,qat, never prune/cluster',
    (target) => {
      for (const priority of ['size', 'latency'] as const) {
        const a = adviseTraining(input({ target, priority }))!;
        expect(a.recipe).toBe('distill:0.5,qat');
        expect(a.reasons[1]).toContain('would not save a byte there');
        expect(a.alternatives.map((x) => x.recipe)).toEqual(['qat']);
      }
      const acc = adviseTraining(input({ target, priority: 'accuracy' }))!;
      expect(acc.recipe).toBe('qat');
      // Size and latency share one recipe: it is listed once.
      expect(acc.alternatives.map((x) => x.recipe)).toEqual(['distill:0.5,qat']);
      expect(acc.alternatives[0]!.reasons[0]).toMatch(/^If size matters most: a half-width int8 student/);
    },
  );

  it('gives the reasons for each choice', () => {
    expect(adviseTraining(input({ priority: 'size' }))!.reasons.join(' ')).toContain('compressed download');
    expect(adviseTraining(input({ priority: 'latency' }))!.reasons.join(' ')).toContain(
      'about a quarter of the multiply-adds',
    );
    expect(adviseTraining(input({ priority: 'accuracy' }))!.reasons.join(' ')).toContain('straight-through');
    // On a GPU float16 is near-lossless: the QAT advice says when it still pays off.
    expect(adviseTraining(input({ target: 'gpu' }))!.reasons.at(-1)).toMatch(/^On a GPU, float16/);
  });

  it('does not apply without labels, without retraining, or to a quantized model', () => {
    expect(adviseTraining(input({ data: { kind: 'unlabelled', count: 300 } }))).toBeNull();
    expect(adviseTraining(input({ data: { kind: 'none' } }))).toBeNull();
    expect(adviseTraining(input({ retrain: false }))).toBeNull();
    expect(adviseTraining(input({ model: { ...FLOAT, dtype: 'int8', alreadyQuantized: true } }))).toBeNull();
    // Without model facts (the CLI's recommend without --model) it still advises.
    expect(adviseTraining(input({ model: undefined }))!.recipe).toBe('qat');
  });

  it('warns when the labelled set is small', () => {
    expect(adviseTraining(input({ data: { kind: 'labelled', count: 500 } }))!.warnings).toEqual([
      '500 labelled samples is few for fine-tuning (10% are held out for validation): keep the epochs low and watch the validation accuracy.',
    ]);
  });
});
