/**
 * The advisor's training rules (issue 15): with labelled data and retraining allowed, which
 * recipe Lowbit's trainer should run (engine/train, `lowbit train --recipe`), by priority:
 *
 *   accuracy → qat                       int8 that learnt its own rounding
 *   size     → prune:0.5,cluster:16,qat  zeros and shared values compress; QAT wins the loss back
 *   latency  → distill:0.5               a narrower student does fewer multiply-adds
 *
 * On targets that run integers only and store the model uncompressed (microcontroller, Edge TPU,
 * DSP), zeros and shared values save no byte, and a float student does not run: size and latency
 * both → distill:0.5,qat (half the parameters, a quarter of the bytes each, int8).
 *
 * with the reasons to show, and the other two as alternatives. Pure and deterministic.
 */
import { integerOnly, TARGET_NAMES } from './techniques';
import type { AdvisorInput, Priority } from './types';

export interface TrainingRecipeAdvice {
  /** The recipe as `lowbit train --recipe` and the app's training view take it. */
  recipe: string;
  /** In words, for people. */
  title: string;
  /** Sentences to show verbatim. */
  reasons: string[];
}

export interface TrainingAdvice extends TrainingRecipeAdvice {
  priority: Priority;
  /** The recipes for the other priorities, each with its one-line reason. */
  alternatives: TrainingRecipeAdvice[];
  /** Cautions (a small labelled set). */
  warnings: string[];
}

/** Below this many labelled samples a fine-tune may learn the set rather than the task. */
export const FEW_LABELLED = 1000;

const RECIPES: Record<Priority, { recipe: string; title: string; short: string }> = {
  accuracy: {
    recipe: 'qat',
    title: 'Quantization-aware training (int8)',
    short:
      'int8 that learns its own rounding while fine-tuning: the smallest accuracy loss of the int8 options.',
  },
  size: {
    recipe: 'prune:0.5,cluster:16,qat',
    title: 'Prune 50%, cluster to 16 values, then QAT (int8)',
    short: 'the smallest compressed file: half the weights zero, 16 shared values per layer, int8.',
  },
  latency: {
    recipe: 'distill:0.5',
    title: 'Distill into a half-width student',
    short: 'a student with half the channels does about a quarter of the multiply-adds.',
  },
};

/** Integer-only targets: a half-width student trained to int8, for size and for latency. */
const INT_STUDENT = {
  recipe: 'distill:0.5,qat',
  title: 'Distill into a half-width student, then QAT (int8)',
  short:
    'a half-width int8 student: about half the parameters at a byte each, about a quarter of the multiply-adds.',
};

function recipeFor(priority: Priority, input: AdvisorInput): typeof INT_STUDENT {
  return priority !== 'accuracy' && integerOnly(input.target) ? INT_STUDENT : RECIPES[priority];
}

function reasonsFor(priority: Priority, input: AdvisorInput): string[] {
  const keep =
    'Lowbit trains it here, in worker threads: the best epoch on your validation split is the one kept, and nothing is written until you save it.';
  if (recipeFor(priority, input) === INT_STUDENT) {
    const where = TARGET_NAMES[input.target];
    return [
      `${priority === 'size' ? 'Size' : 'Latency'} first, on the ${where}, with labelled data and retraining allowed: train a student with half this model\u2019s layer widths from its soft labels and your labels (distillation), with quantization-aware training to int8.`,
      `The ${where} stores the model uncompressed and runs integers only: pruned zeros and clustered values would not save a byte there, while a half-width student has about half the parameters (the last layer keeps its outputs) and does about a quarter of the multiply-adds of each inner layer.`,
      'The export uses exactly the quantizer\u2019s arithmetic: the int8 file computes what training simulated.',
      keep,
    ];
  }
  switch (priority) {
    case 'accuracy': {
      const out = [
        'Accuracy first, with labelled data and retraining allowed: quantization-aware training fine-tunes with int8 rounding simulated (straight-through gradients), so the weights learn around it and the int8 model usually loses less than post-training int8.',
        'The export uses exactly the quantizer\u2019s arithmetic: the int8 file computes what training simulated.',
        keep,
      ];
      if (input.target === 'gpu')
        out.push(
          'On a GPU, float16 is already near-lossless; QAT pays off when the same model also has to run int8 on CPUs.',
        );
      return out;
    }
    case 'size':
      return [
        'Size first, with labelled data and retraining allowed: prune half the weights to zero, cluster each layer to 16 shared values, then quantization-aware training to int8, combined left to right as TensorFlow Model Optimization combines them.',
        'Zeros and repeated values compress far better: the gain is in the compressed download (gzip), on top of int8\u2019s quarter of the float size in memory.',
        'Fine-tuning after each cut wins back the accuracy the cut costs; the masks and clusters stay exact through training and export.',
        keep,
      ];
    case 'latency':
      return [
        'Latency first, with labelled data and retraining allowed: train a student with half this model\u2019s layer widths from its soft labels and your labels (distillation).',
        'Halving the channels of a convolution or dense layer halves both its inputs and outputs, so it does about a quarter of the multiply-adds: a speed-up no post-training technique gives.',
        // Integer-only targets took INT_STUDENT above: this one runs float too.
        'Quantize the student afterwards for the int8 kernels\u2019 further speed-up.',
        keep,
      ];
  }
}

/**
 * The recipe to train with, or null when training does not apply: no labelled data, retraining
 * not allowed, or a model that is not float (training starts from a float model).
 */
export function adviseTraining(input: AdvisorInput): TrainingAdvice | null {
  if (input.data.kind !== 'labelled' || !input.retrain) return null;
  if (input.model && input.model.dtype !== 'float32') return null;
  const chosen = recipeFor(input.priority, input);
  const warnings: string[] = [];
  const count = input.data.count;
  if (count !== undefined && count < FEW_LABELLED)
    warnings.push(
      `${count.toLocaleString('en-US')} labelled samples is few for fine-tuning (10% are held out for validation): keep the epochs low and watch the validation accuracy.`,
    );
  return {
    priority: input.priority,
    recipe: chosen.recipe,
    title: chosen.title,
    reasons: reasonsFor(input.priority, input),
    alternatives: (['accuracy', 'size', 'latency'] as const)
      .filter((p) => p !== input.priority)
      .map((p) => ({ p, r: recipeFor(p, input) }))
      // On integer-only targets size and latency share a recipe: list it once.
      .filter(({ r }, i, all) => r !== chosen && all.findIndex((x) => x.r === r) === i)
      .map(({ p, r }) => ({
        recipe: r.recipe,
        title: r.title,
        reasons: [`If ${p} matters most: ${r.short}`],
      })),
    warnings,
  };
}
