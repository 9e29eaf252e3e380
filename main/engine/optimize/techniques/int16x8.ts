/** 16x8: int8 weights with int16 activations (TFLite's 16x8 scheme), calibrated. */
import { FULL_INTEGER_OPTIONS, runFullInteger } from './full-integer-options';
import type { TechniqueDefinition } from './types';

export const int16x8 = {
  id: 'int16x8',
  label: '16x8',
  summary: 'int8 weights, int16 activations: more accurate than int8, fewer kernels, calibrated',
  aliases: ['int16', '16x8'],
  needs: 'calibration-sample',
  options: FULL_INTEGER_OPTIONS,
  advice: {
    title: '16x8 quantization (int8 weights, int16 activations)',
    shortName: '16x8',
    weightRatio: { min: 0.25, max: 0.25 },
    activationBytes: { min: 2, max: 2 },
    risk: 'low',
    // TFLite's CPU reference kernels and TFLite Micro have int16x8 kernels; delegates mostly do not.
    deployableOn: ['cpu', 'mcu'],
    speedOn: () => ({ min: null, max: null, note: 'slower than int8: fewer optimised kernels' }),
  },
  run: (model, o) => runFullInteger(model, 'int16', o),
} as const satisfies TechniqueDefinition<'int16x8'>;
