import {
  TECHNIQUES as TECHNIQUE_REGISTRY,
  type TechniqueId as PostTrainingId,
} from '../optimize/techniques/registry';
import type { AdviceOnlyId, Risk, SpeedEffect, Target, TechniqueId } from './types';

/**
 * What each technique does (the post-training ones Lowbit runs say it in their own files:
 * optimize/techniques/<id>.ts, `advice`), from the seeds' table (shared/notes/quantization.md)
 * and TFLite's post-training quantization guide: float16 ≈ ½ size; dynamic range ≈ ¼ size and 2–3× on CPU;
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

/** The techniques Lowbit runs bring their own advice (optimize/techniques/<id>.ts). */
const RUNNABLE = Object.fromEntries(
  TECHNIQUE_REGISTRY.map((t): [PostTrainingId, TechniqueInfo] => [
    t.id,
    {
      title: t.advice.title,
      weightRatio: t.advice.weightRatio,
      activationBytes: t.advice.activationBytes,
      compressedOnly: false,
      risk: t.advice.risk,
      runsIn: 'lowbit',
      deployableOn: t.advice.deployableOn,
    },
  ]),
) as Record<PostTrainingId, TechniqueInfo>;

/** Pruning and clustering: only the compressed file shrinks, and fine-tuning has to recover accuracy. */
function fineTunedCompression(title: string): TechniqueInfo {
  return {
    title,
    weightRatio: { min: 1, max: 1 },
    activationBytes: null,
    compressedOnly: true,
    risk: 'medium',
    runsIn: 'training',
    deployableOn: ALL,
  };
}

/** The techniques the advisor knows but Lowbit does not run (training, per-layer fallback). */
const ADVICE_ONLY: Record<AdviceOnlyId, TechniqueInfo> = {
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
  prune: fineTunedCompression('magnitude pruning with fine-tuning'),
  cluster: fineTunedCompression('weight clustering with fine-tuning'),
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

export const TECHNIQUES: Record<TechniqueId, TechniqueInfo> = { ...RUNNABLE, ...ADVICE_ONLY };

const NO_CHANGE: SpeedEffect = { min: 1, max: 1, note: 'no latency change' };

/** Speed of a technique's result on a target, against float32 on that target. */
export function speedOn(id: TechniqueId, target: Target): SpeedEffect {
  const runnable = TECHNIQUE_REGISTRY.find((t) => t.id === id);
  if (runnable) return runnable.advice.speedOn(target);
  switch (id as AdviceOnlyId) {
    case 'qat':
      // The result of QAT is an int8 model.
      return speedOn('int8', target);
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
  ...(Object.fromEntries(TECHNIQUE_REGISTRY.map((t) => [t.id, t.advice.shortName])) as Record<
    PostTrainingId,
    string
  >),
  prune: 'pruned',
  cluster: 'clustered',
  qat: 'QAT',
  distill: 'distilled',
  'keep-float-fallback': 'int8 + float fallback',
};
