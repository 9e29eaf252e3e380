import type { Risk, SpeedEffect, Target, TechniqueId } from './types';

/**
 * What each technique does, from the seeds' table (shared/notes/quantization.md) and TFLite's
 * post-training quantization guide: float16 ≈ ½ size; dynamic range ≈ ¼ size and 2–3× on CPU;
 * full integer ≈ ¼ size and 3×+ on CPU; 16x8 ≈ ¼ weights with int16 activations, slower;
 * pruning and clustering only shrink the compressed file. Speed-ups are against the float32
 * model on the same target; null bounds mean nobody publishes a figure we can stand behind.
 */
export interface TechniqueInfo {
  title: string;
  /** In-memory size of the float weights after the technique, relative to float32. */
  weightRatio: { min: number; max: number };
  /** Bytes per activation element at run time, relative to float32's 4 (null = unchanged). */
  activationBytes: { min: number; max: number } | null;
  compressedOnly: boolean;
  risk: Risk;
  runsIn: 'lowbit' | 'training';
  /** Targets that can run the result. */
  deployableOn: readonly Target[];
}

const ALL: readonly Target[] = ['cpu', 'gpu', 'edgetpu', 'mcu', 'dsp'];

export const TECHNIQUES: Record<TechniqueId, TechniqueInfo> = {
  float16: {
    title: 'float16 weights (post-training)',
    weightRatio: { min: 0.5, max: 0.5 },
    activationBytes: null,
    compressedOnly: false,
    risk: 'low',
    runsIn: 'lowbit',
    deployableOn: ['cpu', 'gpu'],
  },
  dynamic: {
    title: 'dynamic range quantization (int8 weights, float activations)',
    weightRatio: { min: 0.25, max: 0.25 },
    activationBytes: null,
    compressedOnly: false,
    risk: 'low',
    runsIn: 'lowbit',
    // GPU delegates take hybrid models but run the int8-weight ops on the CPU.
    deployableOn: ['cpu', 'gpu'],
  },
  int8: {
    title: 'full integer int8 quantization (calibrated)',
    weightRatio: { min: 0.25, max: 0.25 },
    activationBytes: { min: 1, max: 1 },
    compressedOnly: false,
    risk: 'medium',
    runsIn: 'lowbit',
    deployableOn: ALL,
  },
  int16x8: {
    title: '16x8 quantization (int8 weights, int16 activations)',
    weightRatio: { min: 0.25, max: 0.25 },
    activationBytes: { min: 2, max: 2 },
    compressedOnly: false,
    risk: 'low',
    runsIn: 'lowbit',
    // TFLite's CPU reference kernels and TFLite Micro have int16x8 kernels; delegates mostly do not.
    deployableOn: ['cpu', 'mcu'],
  },
  'keep-float-fallback': {
    title: 'int8 with per-layer float fallback',
    // A few float layers keep it near ¼; the worst case (everything float) is no change.
    weightRatio: { min: 0.25, max: 1 },
    activationBytes: { min: 1, max: 4 },
    compressedOnly: false,
    risk: 'low',
    runsIn: 'lowbit',
    deployableOn: ['cpu', 'gpu'],
  },
  prune: {
    title: 'magnitude pruning with fine-tuning',
    weightRatio: { min: 1, max: 1 },
    activationBytes: null,
    compressedOnly: true,
    risk: 'medium',
    runsIn: 'training',
    deployableOn: ALL,
  },
  cluster: {
    title: 'weight clustering with fine-tuning',
    weightRatio: { min: 1, max: 1 },
    activationBytes: null,
    compressedOnly: true,
    risk: 'medium',
    runsIn: 'training',
    deployableOn: ALL,
  },
  qat: {
    title: 'quantization-aware training',
    weightRatio: { min: 1, max: 1 },
    activationBytes: null,
    compressedOnly: false,
    risk: 'low',
    runsIn: 'training',
    deployableOn: ALL,
  },
  distill: {
    title: 'knowledge distillation into a smaller student',
    // The student's size is a design choice; nothing to promise here.
    weightRatio: { min: 1, max: 1 },
    activationBytes: null,
    compressedOnly: false,
    risk: 'medium',
    runsIn: 'training',
    deployableOn: ALL,
  },
};

const NO_CHANGE: SpeedEffect = { min: 1, max: 1, note: 'no latency change' };

/** Speed of a technique's result on a target, against float32 on that target. */
export function speedOn(id: TechniqueId, target: Target): SpeedEffect {
  switch (id) {
    case 'float16':
      if (target === 'gpu')
        return { min: null, max: null, note: 'runs in fp16 on the GPU delegate, faster than fp32 compute' };
      return { min: 1, max: 1, note: 'weights are expanded to float32 at load: no CPU speed-up' };
    case 'dynamic':
      if (target === 'cpu') return { min: 2, max: 3, note: '2–3× on CPU (hybrid int8 kernels)' };
      if (target === 'gpu')
        return { min: null, max: null, note: 'the int8-weight ops run on the CPU, not the GPU' };
      return { min: null, max: null, note: 'host-side preview only: does not run on this target' };
    case 'int8':
    case 'qat':
      if (target === 'cpu') return { min: 3, max: null, note: '3× or more on CPU: the fastest CPU option' };
      if (target === 'gpu')
        return {
          min: null,
          max: null,
          note: 'the GPU delegate dequantizes int8 weights: float speed on the GPU',
        };
      if (target === 'edgetpu')
        return { min: null, max: null, note: 'runs on the Edge TPU, which cannot run float models at all' };
      if (target === 'mcu')
        return {
          min: null,
          max: null,
          note: 'integer kernels (CMSIS-NN, ESP-NN) instead of float ones; no published factor',
        };
      return { min: null, max: null, note: 'runs on the DSP, which cannot run float models at all' };
    case 'int16x8':
      return { min: null, max: null, note: 'slower than int8: fewer optimised kernels' };
    case 'keep-float-fallback':
      return {
        min: null,
        max: null,
        note: 'between float and int8, depending on how many layers stay float',
      };
    case 'prune':
    case 'cluster':
      return {
        ...NO_CHANGE,
        note: 'no latency gain on ordinary CPUs: zeros and shared values are still computed',
      };
    case 'distill':
      return { min: null, max: null, note: 'depends on the student architecture you train' };
  }
}

/** Ordering of risks, for taking the worst of a plan's steps. */
export const RISK_ORDER: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

export const TARGET_NAMES: Record<Target, string> = {
  cpu: 'desktop/mobile CPU',
  gpu: 'mobile GPU',
  edgetpu: 'Coral Edge TPU',
  mcu: 'microcontroller',
  dsp: 'Hexagon-class DSP/NPU',
};

/** Targets that execute integer-only models. */
export function integerOnly(target: Target): boolean {
  return target === 'edgetpu' || target === 'mcu' || target === 'dsp';
}

/** The representative-sample size TFLite recommends for calibration. */
export const CALIBRATION_MIN = 100;
export const CALIBRATION_MAX = 500;

/** Short names for sentences ("the int8 model needs…"). */
export const SHORT_NAMES: Record<TechniqueId, string> = {
  float16: 'float16',
  dynamic: 'dynamic-range',
  int8: 'int8',
  int16x8: '16x8',
  prune: 'pruned',
  cluster: 'clustered',
  qat: 'QAT',
  distill: 'distilled',
  'keep-float-fallback': 'int8 + float fallback',
};
