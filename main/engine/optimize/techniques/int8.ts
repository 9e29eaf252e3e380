/** Full integer int8: int8 weights and activations, calibrated on representative samples. */
import { FULL_INTEGER_OPTIONS, runFullInteger } from './full-integer-options';
import type { DeployTarget, SpeedEffect, TechniqueDefinition } from './types';

/** Against float32 on the same target; only the CPU has a published factor. */
const unknown = (note: string): SpeedEffect => ({ min: null, max: null, note });
const SPEED: Record<DeployTarget, SpeedEffect> = {
  cpu: { min: 3, max: null, note: '3× or more on CPU: the fastest CPU option' },
  gpu: unknown('the GPU delegate dequantizes int8 weights: float speed on the GPU'),
  edgetpu: unknown('runs on the Edge TPU, which cannot run float models at all'),
  mcu: unknown('integer kernels (CMSIS-NN, ESP-NN) instead of float ones; no published factor'),
  dsp: unknown('runs on the DSP, which cannot run float models at all'),
};

export const int8 = {
  id: 'int8',
  label: 'full integer int8',
  summary: 'int8 weights and activations: a quarter of the size, integer-only targets, calibrated',
  needs: 'calibration-sample',
  options: FULL_INTEGER_OPTIONS,
  advice: {
    title: 'full integer int8 quantization (calibrated)',
    shortName: 'int8',
    weightRatio: { min: 0.25, max: 0.25 },
    activationBytes: { min: 1, max: 1 },
    risk: 'medium',
    deployableOn: ['cpu', 'gpu', 'edgetpu', 'mcu', 'dsp'],
    speedOn: (target) => SPEED[target],
  },
  run: (model, o) => runFullInteger(model, 'int8', o),
} as const satisfies TechniqueDefinition<'int8'>;
