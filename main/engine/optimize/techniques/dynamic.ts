/** Dynamic range: int8 weights, float activations quantized on the fly by hybrid kernels. */
import { quantizeDynamicRange } from '../dynamic-range';
import type { TechniqueDefinition } from './types';

export const dynamic = {
  id: 'dynamic',
  label: 'dynamic range',
  summary: 'int8 weights, float activations: about a quarter of the size, no data needed',
  needs: 'none',
  options: ['perTensor', 'minElements', 'keepFloat'],
  advice: {
    title: 'dynamic range quantization (int8 weights, float activations)',
    shortName: 'dynamic-range',
    weightRatio: { min: 0.25, max: 0.25 },
    activationBytes: null,
    risk: 'low',
    // GPU delegates take hybrid models but run the int8-weight ops on the CPU.
    deployableOn: ['cpu', 'gpu'],
    speedOn: (target) => {
      if (target === 'cpu') return { min: 2, max: 3, note: '2–3× on CPU (hybrid int8 kernels)' };
      if (target === 'gpu')
        return { min: null, max: null, note: 'the int8-weight ops run on the CPU, not the GPU' };
      return { min: null, max: null, note: 'host-side preview only: does not run on this target' };
    },
  },
  run: (model, o) =>
    quantizeDynamicRange(model, {
      perTensor: o.perTensor,
      minElements: o.minElements,
      keepFloat: o.keepFloat,
      signal: o.signal,
    }),
} as const satisfies TechniqueDefinition<'dynamic'>;
