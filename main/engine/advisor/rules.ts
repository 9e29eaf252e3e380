import { CALIBRATION_MAX, CALIBRATION_MIN, TARGET_NAMES, TECHNIQUES, integerOnly } from './techniques';
import { needsCalibration, type TechniqueId as PostTrainingId } from '../optimize/techniques/registry';
import type { AdvisorInput, Priority, Target, TechniqueId } from './types';

/**
 * The rule table. For each target and priority, the candidate plans in order of preference,
 * before we know what the user has; `verdict` then strikes out what their data, retraining and
 * model rule out, and the first plan left standing is the recommendation. Keeping preference
 * and feasibility apart keeps each rule in one place and makes the table test readable.
 */
export type Template = readonly TechniqueId[];

const PREVIEW: Template = ['dynamic'];

const TABLE: Record<Target, Record<Priority, readonly Template[]>> = {
  cpu: {
    latency: [['int8'], ['dynamic'], ['qat', 'int8'], ['keep-float-fallback'], ['float16']],
    size: [['prune', 'cluster', 'int8'], ['int8'], ['dynamic'], ['distill', 'int8'], ['float16']],
    // Accuracy first: ordered by risk, lowest first; QAT leads when it is possible.
    accuracy: [['qat', 'int8'], ['float16'], ['int16x8'], ['keep-float-fallback'], ['dynamic'], ['int8']],
  },
  gpu: {
    // GPU delegates compute in fp16: float16 first even when int8 is possible.
    latency: [['float16'], ['int8'], ['dynamic']],
    size: [['prune', 'cluster', 'int8'], ['int8'], ['float16'], ['distill', 'int8'], ['dynamic']],
    // float16 is already near-lossless on a GPU; QAT only matters for an int8 CPU fallback.
    accuracy: [['float16'], ['qat', 'int8'], ['keep-float-fallback'], ['int8']],
  },
  edgetpu: {
    latency: [['int8'], ['qat', 'int8'], PREVIEW],
    size: [['int8'], ['distill', 'int8'], ['prune', 'cluster', 'int8'], PREVIEW],
    accuracy: [['qat', 'int8'], ['int8'], ['float16'], PREVIEW],
  },
  mcu: {
    latency: [['int8'], ['qat', 'int8'], PREVIEW],
    size: [['int8'], ['distill', 'int8'], ['prune', 'cluster', 'int8'], PREVIEW],
    accuracy: [['qat', 'int8'], ['int8'], ['int16x8'], ['float16'], PREVIEW],
  },
  dsp: {
    latency: [['int8'], ['qat', 'int8'], PREVIEW],
    size: [['int8'], ['distill', 'int8'], ['prune', 'cluster', 'int8'], PREVIEW],
    accuracy: [['qat', 'int8'], ['int8'], ['float16'], PREVIEW],
  },
};

export function templatesFor(target: Target, priority: Priority): readonly Template[] {
  return TABLE[target][priority];
}

export type Verdict =
  | { ok: true; preview: boolean }
  | { ok: false; kind: 'impossible' | 'notRecommended'; why: string; unlock: string };

const OK: Verdict = { ok: true, preview: false };

const SAMPLE_UNLOCK = `Provide an unlabelled sample of ${CALIBRATION_MIN}–${CALIBRATION_MAX} typical inputs (labels are not needed).`;

function hasSample(input: AdvisorInput): boolean {
  return input.data.kind !== 'none';
}

function list(ops: readonly string[]): string {
  return ops.join(', ');
}

/** Can this technique be used here, and if not, why and what would change that. */
export function verdict(id: TechniqueId, input: AdvisorInput): Verdict {
  const { target, model } = input;
  const where = TARGET_NAMES[target];
  const intOnly = integerOnly(target);
  const labelled = input.data.kind === 'labelled';
  switch (id) {
    case 'float16':
      if (intOnly)
        return {
          ok: false,
          kind: 'impossible',
          why: `The ${where} runs only integer models; float16 keeps float compute.`,
          unlock: 'Target a CPU or GPU instead.',
        };
      if (model?.dtype === 'float16')
        return {
          ok: false,
          kind: 'notRecommended',
          why: 'The model already has float16 weights: converting again saves nothing.',
          unlock: 'Start from the float32 model.',
        };
      return OK;
    case 'dynamic':
      // Hybrid kernels exist only in TFLite's CPU runtime; on integer-only hardware the result
      // is still useful to look at on this machine, so it stays as a preview.
      return intOnly ? { ok: true, preview: true } : OK;
    case 'int8':
      if (!hasSample(input))
        return {
          ok: false,
          kind: 'impossible',
          why: 'Full integer quantization needs a representative sample to calibrate the activation ranges.',
          unlock: SAMPLE_UNLOCK,
        };
      if (model && model.int8UnsupportedOps.length > 0)
        return {
          ok: false,
          kind: intOnly ? 'impossible' : 'notRecommended',
          why: `No int8 kernel for ${list(model.int8UnsupportedOps)}: full integer conversion fails on ${model.int8UnsupportedOps.length === 1 ? 'it' : 'them'}.`,
          unlock: intOnly
            ? 'Replace those ops in the model before converting.'
            : 'Replace those ops, or keep them float with per-layer float fallback.',
        };
      return OK;
    case 'int16x8':
      if (!TECHNIQUES.int16x8.deployableOn.includes(target))
        return {
          ok: false,
          kind: 'impossible',
          why: `The ${where} has no int16-activation kernels.`,
          unlock: 'Target a CPU or a microcontroller (TFLite Micro has 16x8 kernels).',
        };
      if (!hasSample(input))
        return {
          ok: false,
          kind: 'impossible',
          why: '16x8 quantization calibrates activation ranges, so it needs a representative sample.',
          unlock: SAMPLE_UNLOCK,
        };
      return OK;
    case 'keep-float-fallback':
      if (intOnly)
        return {
          ok: false,
          kind: 'impossible',
          why: `The ${where} cannot run float layers, so no layer can fall back to float.`,
          unlock: 'Target a CPU or GPU instead.',
        };
      if (!hasSample(input))
        return {
          ok: false,
          kind: 'impossible',
          why: 'Per-layer float fallback is full int8 minus a few layers, so it needs the same calibration sample.',
          unlock: SAMPLE_UNLOCK,
        };
      return OK;
    case 'qat':
      if (!labelled)
        return {
          ok: false,
          kind: 'impossible',
          why: 'Quantization-aware training fine-tunes the model, which needs labelled training data.',
          unlock: 'Labelled training data and a training pipeline you can rerun.',
        };
      if (!input.retrain)
        return {
          ok: false,
          kind: 'impossible',
          why: 'Quantization-aware training needs retraining, which you said is not possible.',
          unlock: 'Access to the training pipeline for this model.',
        };
      return OK;
    case 'prune':
    case 'cluster': {
      const what = id === 'prune' ? 'Pruning' : 'Clustering';
      if (intOnly)
        return {
          ok: false,
          kind: 'notRecommended',
          why: `The ${where} stores the model uncompressed, so ${what.toLowerCase()} would not save a byte there; it only shrinks a compressed download.`,
          unlock: 'Only worth it when the model ships compressed (an app download).',
        };
      if (!input.retrain)
        return {
          ok: false,
          kind: 'notRecommended',
          why: `${what} without fine-tuning costs accuracy: nothing compensates for the ${id === 'prune' ? 'zeroed' : 'merged'} weights.`,
          unlock: 'Retraining with labelled data, to fine-tune while pruning and clustering.',
        };
      if (!labelled)
        return {
          ok: false,
          kind: 'impossible',
          why: `${what} needs fine-tuning, which needs labelled training data.`,
          unlock: 'Labelled training data.',
        };
      return OK;
    }
    case 'distill':
      if (!input.retrain)
        return {
          ok: false,
          kind: 'notRecommended',
          why: 'Distillation means training a new, smaller model; without retraining it is not an option.',
          unlock: 'A training pipeline where you can train a smaller student model.',
        };
      if (!hasSample(input))
        return {
          ok: false,
          kind: 'impossible',
          why: 'Training a student needs inputs to run the teacher on.',
          unlock: 'A set of typical inputs; labels are optional, the teacher provides the targets.',
        };
      return OK;
    default:
      // A technique added to the registry that no rule here names yet: what its definition
      // says (where its result runs, what data it needs) decides.
      return definitionVerdict(id, input);
  }
}

/** The verdict a technique's own definition implies: deployable on the target, data at hand. */
function definitionVerdict(id: TechniqueId, input: AdvisorInput): Verdict {
  const { title, deployableOn } = TECHNIQUES[id];
  if (!deployableOn.includes(input.target))
    return {
      ok: false,
      kind: 'impossible',
      why: `The ${TARGET_NAMES[input.target]} cannot run the result of ${title}.`,
      unlock: `Target ${deployableOn.map((t) => TARGET_NAMES[t]).join(' or ')} instead.`,
    };
  if (needsCalibration(id as PostTrainingId) && !hasSample(input))
    return {
      ok: false,
      kind: 'impossible',
      why: `${title} calibrates activation ranges, so it needs a representative sample.`,
      unlock: SAMPLE_UNLOCK,
    };
  return OK;
}
