/** float16: every float32 constant becomes float16 (about half the size, float compute). */
import { quantizeFloat16 } from '../float16';
import type { TechniqueDefinition } from './types';

export const float16 = {
  id: 'float16',
  label: 'float16',
  summary: 'float16 weights: about half the size, float compute, near-lossless',
  needs: 'none',
  options: [],
  advice: {
    title: 'float16 weights (post-training)',
    shortName: 'float16',
    weightRatio: { min: 0.5, max: 0.5 },
    activationBytes: null,
    risk: 'low',
    deployableOn: ['cpu', 'gpu'],
    speedOn: (target) =>
      target === 'gpu'
        ? { min: null, max: null, note: 'runs in fp16 on the GPU delegate, faster than fp32 compute' }
        : { min: 1, max: 1, note: 'weights are expanded to float32 at load: no CPU speed-up' },
  },
  run: (model, o) => quantizeFloat16(model, { signal: o.signal }),
} as const satisfies TechniqueDefinition<'float16'>;
