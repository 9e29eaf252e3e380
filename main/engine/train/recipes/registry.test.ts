import { describe, expect, it } from 'vitest';
import { parseRecipe } from './registry';

describe('parseRecipe (issue 15)', () => {
  it('reads every step kind, left to right', () => {
    expect(parseRecipe('prune:0.5,cluster:16,qat')).toEqual([
      { kind: 'prune', sparsity: 0.5 },
      { kind: 'cluster', clusters: 16 },
      { kind: 'qat', activations: 'int8' },
    ]);
    expect(parseRecipe('finetune')).toEqual([{ kind: 'finetune' }]);
    expect(parseRecipe('qat16x8')).toEqual([{ kind: 'qat', activations: 'int16' }]);
    expect(parseRecipe(' prune:2:4 , qat ')).toEqual([
      { kind: 'prune-n-m', n: 2, m: 4 },
      { kind: 'qat', activations: 'int8' },
    ]);
    expect(parseRecipe('distill:0.5,qat')).toEqual([
      { kind: 'distill', width: 0.5 },
      { kind: 'qat', activations: 'int8' },
    ]);
  });

  it.each([
    ['', /empty step/],
    ['finetune,', /empty step/],
    ['prune', /takes 1 argument/],
    ['prune:1.5', /sparsity must be between 0 and 1/],
    ['prune:abc', /"abc" is not a number/],
    ['prune:4:2', /N:M sparsity/],
    ['cluster:1', /clusters must be a whole number/],
    ['cluster:16.5', /clusters must be a whole number/],
    ['distill:0', /width must be/],
    ['qat,prune:0.5', /qat must be the last step/],
    ['prune:0.5,distill:0.5', /distill must be the first step/],
    ['prune:0.5,prune:2:4', /"prune" appears twice/],
    ['qat:8', /takes no argument/],
    ['sparsify', /unknown step "sparsify"/],
  ])('refuses %j', (text, why) => {
    expect(() => parseRecipe(text)).toThrow(why);
  });
});
