import { effectOf, fitChecks, formatBytes } from './effects';
import { stepReasons } from './reasons';
import { templatesFor, verdict, type Template } from './rules';
import {
  CALIBRATION_MAX,
  CALIBRATION_MIN,
  SHORT_NAMES,
  TARGET_NAMES,
  TECHNIQUES,
  integerOnly,
} from './techniques';
import type {
  AdvisorInput,
  Blocked,
  FitCheck,
  Plan,
  PlanOption,
  PlanStanding,
  Step,
  TechniqueId,
} from './types';
import { TECHNIQUES as TECHNIQUE_REGISTRY } from '../optimize/techniques/registry';
import { validateInput } from './validate';

interface Candidate {
  template: Template;
  preview: boolean;
  /** Set when a measured loss is over the user's limit. */
  overLimit?: { id: TechniqueId; loss: number };
}

const TRAINING_ONLY: ReadonlySet<TechniqueId> = new Set(['prune', 'cluster', 'qat', 'distill']);

/** Plans whose result has integer activations and per-channel weights. */
const FULL_INTEGER: ReadonlySet<TechniqueId> = new Set(['int8', 'int16x8', 'keep-float-fallback']);

/** The post-training step whose measured loss counts, or undefined for a QAT plan (it re-learns). */
function postTrainingStep(t: Template): TechniqueId | undefined {
  if (t[0] === 'qat') return undefined;
  return [...t].reverse().find((id) => !TRAINING_ONLY.has(id));
}

function planName(t: Template): string {
  const last = postTrainingStep(t) ?? t[t.length - 1]!;
  return t[0] === 'qat' ? 'QAT int8' : SHORT_NAMES[last];
}

function ratioText(min: number, max: number): string {
  const f = (x: number) => `×${Number(x.toFixed(3))}`;
  return min === max ? `size ${f(min)}` : `size ${f(min)}–${f(max)}`;
}

/**
 * The advisor: from what the user has (data, retraining, target, priority, limits, model) to a
 * ranked plan. Pure and deterministic; throws InvalidArgumentError on a malformed input.
 */
export function recommend(input: AdvisorInput): Plan {
  validateInput(input);
  if (input.model?.dtype === 'int8') return alreadyInteger(input);

  const impossible: Blocked[] = [];
  const notRecommended: Blocked[] = [];
  const blocked = new Set<TechniqueId>();
  const candidates: Candidate[] = [];
  for (const template of templatesFor(input.target, input.priority)) {
    let ok = true;
    let preview = false;
    for (const id of template) {
      const v = verdict(id, input);
      if (v.ok) {
        preview ||= v.preview;
        continue;
      }
      ok = false;
      if (!blocked.has(id)) {
        blocked.add(id);
        (v.kind === 'impossible' ? impossible : notRecommended).push({
          id,
          title: TECHNIQUES[id].title,
          why: v.why,
          unlock: v.unlock,
        });
      }
    }
    if (ok) candidates.push({ template, preview });
  }

  const warnings: string[] = [];
  const ordered = applyLossLimit(candidates, input, warnings);
  const options = ordered.map((c) => buildOption(c, input));
  // Rank: deployable within limits, then deployable over a limit, then host-side previews.
  const tier = (o: PlanOption, c: Candidate) =>
    !o.deployable ? 2 : o.fit.some((f) => !f.fits) || c.overLimit ? 1 : 0;
  const tiers = options
    .map((o, i) => ({ o, t: tier(o, ordered[i]!), i }))
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const ranked = tiers.map((x) => x.o);
  const anyDeployable = ranked.some((o) => o.deployable);
  const shown = anyDeployable ? ranked.filter((o) => o.deployable) : ranked;
  const recommended = shown[0] ?? null;
  // Only an option that runs on the target and meets every limit is a recommendation.
  const firstTier = tiers.find((x) => x.o === recommended)?.t;
  const standing: PlanStanding =
    firstTier === undefined
      ? 'nothing'
      : firstTier === 0
        ? 'recommended'
        : firstTier === 1
          ? 'misses-limits'
          : 'cannot-run';

  if (recommended) {
    const preferred = options.find((o) => o.deployable) ?? options[0]!;
    if (preferred !== recommended) warnings.push(...fitWarnings(preferred, input));
    warnings.push(...fitWarnings(recommended, input));
    if (recommended.fit.some((f) => !f.fits)) warnings.push(noFitAdvice(input));
  }
  warnings.push(...contextWarnings(input, recommended));
  return {
    target: input.target,
    priority: input.priority,
    recommended,
    standing,
    alternatives: shown.slice(1),
    impossible,
    notRecommended,
    warnings,
    notes: [],
  };
}

/**
 * "int8 loss over the user's limit → QAT": measured post-training losses over the limit rank
 * last, and when int8 is one of them and QAT is possible, QAT goes first.
 */
function applyLossLimit(candidates: Candidate[], input: AdvisorInput, warnings: string[]): Candidate[] {
  const max = input.limits?.maxAccuracyLossPoints;
  if (max === undefined || !input.measuredLoss) return candidates;
  const within: Candidate[] = [];
  const over: Candidate[] = [];
  for (const c of candidates) {
    const id = postTrainingStep(c.template);
    const loss = id === undefined ? undefined : input.measuredLoss[id as keyof typeof input.measuredLoss];
    if (id !== undefined && loss !== undefined && loss > max) over.push({ ...c, overLimit: { id, loss } });
    else within.push(c);
  }
  const reported = new Set<TechniqueId>();
  for (const c of over) {
    if (reported.has(c.overLimit!.id)) continue;
    reported.add(c.overLimit!.id);
    warnings.push(
      `${SHORT_NAMES[c.overLimit!.id]} measured ${c.overLimit!.loss} points of accuracy loss, over your ${max}-point limit: ranked last.`,
    );
  }
  const int8Over = over.some((c) => c.overLimit!.id === 'int8');
  const qatAt = within.findIndex((c) => c.template[0] === 'qat');
  if (int8Over && qatAt > 0) within.unshift(...within.splice(qatAt, 1));
  return [...within, ...over];
}

function buildOption(c: Candidate, input: AdvisorInput): PlanOption {
  const max = input.limits?.maxAccuracyLossPoints;
  const int8Loss = input.measuredLoss?.int8;
  const overText =
    c.template[0] === 'qat' && max !== undefined && int8Loss !== undefined && int8Loss > max
      ? `Post-training int8 measured ${int8Loss} points of accuracy loss, over your ${max}-point limit: quantization-aware training is how to win it back.`
      : undefined;
  const steps: Step[] = c.template.map((id) => {
    const step: Step = {
      id,
      title: TECHNIQUES[id].title,
      runsIn: TECHNIQUES[id].runsIn,
      reasons: stepReasons(id, input, c.template, overText),
    };
    if (id === 'prune') step.params = { sparsity: 0.5 };
    if (id === 'cluster') step.params = { clusters: 16 };
    // The Edge TPU's classic I/O is uint8: int8 I/O needs runtime 12 or newer.
    if (id === 'int8' || id === 'keep-float-fallback')
      step.params = {
        io: !integerOnly(input.target) ? 'float32' : input.target === 'edgetpu' ? 'uint8' : 'int8',
      };
    if (id === 'int16x8') step.params = { io: input.target === 'mcu' ? 'int16' : 'float32' };
    const runnable = TECHNIQUE_REGISTRY.find((t) => t.id === id);
    if (runnable) step.optimize = { technique: runnable.id, label: runnable.label, needs: runnable.needs };
    return step;
  });
  const effect = effectOf(c.template, input);
  // A full-integer result carries per-channel parameters for every conv-like op.
  const fullInteger = c.template.some((id) => FULL_INTEGER.has(id));
  const fit = fitChecks(effect, input, fullInteger ? input.model?.int8PerChannelTotal : undefined);
  // A student's size is whatever architecture the user picks: only the quantization ratio is ours.
  const size = ratioText(effect.sizeRatio.min, effect.sizeRatio.max);
  const parts = [c.template.includes('distill') ? `${size} of the student you design` : size];
  if (effect.compressedGain) parts.push('smaller compressed download');
  parts.push(effect.speedup.note, `accuracy risk ${effect.accuracyRisk}`);
  const head = c.preview
    ? `${planName(c.template)} (host-side preview, not deployable to the ${TARGET_NAMES[input.target]})`
    : c.template.map((id) => SHORT_NAMES[id]).join(' → ');
  return { steps, effect, deployable: !c.preview, fit, summary: `${head}: ${parts.join('; ')}.` };
}

function fitWarnings(o: PlanOption, input: AdvisorInput): string[] {
  const name = o.steps.length ? planName(o.steps.map((s) => s.id)) : 'current';
  return describeFit(o.fit, name, input);
}

/** Sentences for failed fit checks (and a flash-headroom note), with the numbers. */
function describeFit(fit: FitCheck[], name: string, input: AdvisorInput): string[] {
  const out: string[] = [];
  const board = input.board?.name ?? 'board';
  for (const f of fit) {
    const short = formatBytes(f.neededBytes - f.availableBytes);
    const lb = f.basis === 'lower-bound' ? ' (a lower bound, from the largest activations)' : '';
    if (!f.fits) {
      if (f.what === 'flash')
        out.push(
          `The ${name} model needs about ${formatBytes(f.neededBytes)} of flash${split(f)}; the ${board} has ${formatBytes(f.availableBytes)}: ${short} short.`,
        );
      if (f.what === 'ram')
        out.push(
          `The ${name} model needs ${f.basis === 'lower-bound' ? 'at least ' : 'about '}${formatBytes(f.neededBytes)} of RAM${ramSplit(f)}${lb}; the ${board} has ${formatBytes(f.availableBytes)}: ${short} short.`,
        );
      if (f.what === 'max-bytes')
        out.push(
          `The ${name} model would be about ${formatBytes(f.neededBytes)}, over your ${formatBytes(f.availableBytes)} limit by ${short}.`,
        );
      if (f.what === 'max-ram')
        out.push(
          `The ${name} model needs ${f.basis === 'lower-bound' ? 'at least ' : 'about '}${formatBytes(f.neededBytes)} of working memory${ramSplit(f)}${lb}, over your ${formatBytes(f.availableBytes)} limit by ${short}.`,
        );
    } else if (f.mayNotFit && (f.what === 'ram' || f.what === 'max-ram')) {
      out.push(
        `The ${name} model may not fit ${f.what === 'ram' ? `the ${board}'s RAM` : 'your memory limit'}: ${formatBytes(f.neededBytes)} is ${f.basis === 'lower-bound' ? 'a lower bound from the largest activations (no planned arena)' : "the tensor arena alone, without TFLite Micro's bookkeeping and margin"}, so it cannot prove a fit.`,
      );
    } else if (f.what === 'flash' && f.availableBytes - f.neededBytes < f.availableBytes / 4) {
      out.push(
        `The ${name} model fits the ${board}'s flash${split(f)} but leaves only ${formatBytes(f.availableBytes - f.neededBytes)} for ${f.runtimeBytes !== undefined ? 'your application' : 'your firmware and the TFLite Micro runtime'}.`,
      );
    }
  }
  return out;
}

/** " (tensor arena A + TFLite Micro bookkeeping B + margin C, as lowbit fit counts it)", or " for its tensor arena". */
function ramSplit(f: FitCheck): string {
  const p = f.ramParts;
  if (!p) return ' for its tensor arena';
  return ` (tensor arena ${formatBytes(p.arenaBytes)} + TFLite Micro bookkeeping ${formatBytes(p.bookkeepingBytes)} + margin ${formatBytes(p.marginBytes)}, as the board fit check counts it)`;
}

function split(f: FitCheck): string {
  if (f.modelBytes === undefined || f.runtimeBytes === undefined) return '';
  return ` (model ${formatBytes(f.modelBytes)} + TFLite Micro runtime and kernels ${formatBytes(f.runtimeBytes)}, estimated)`;
}

function noFitAdvice(input: AdvisorInput): string {
  if (input.retrain && input.data.kind !== 'none')
    return 'Nothing here meets the limits: a smaller architecture is the way out (distill this model into a smaller student, then quantize it).';
  return 'Nothing here meets the limits: choose a board with more memory or start from a smaller model architecture.';
}

function contextWarnings(input: AdvisorInput, recommended: PlanOption | null): string[] {
  const out: string[] = [];
  const m = input.model;
  const uses = (id: TechniqueId) => !!recommended?.steps.some((s) => s.id === id);
  const usesSample =
    uses('keep-float-fallback') ||
    TECHNIQUE_REGISTRY.some((t) => t.needs === 'calibration-sample' && uses(t.id));
  if (m?.dtype === 'float16')
    out.push(
      'The model already has float16 weights; the size ratios here are against float32, so int8 halves it again.',
    );
  if (m?.dtype === 'mixed')
    out.push(
      'The model mixes float and integer weights (a dynamic-range or partly converted model): quantizing again starts from already-rounded weights. Use the float32 original if you have it.',
    );
  if (input.target === 'edgetpu' && m && m.edgeTpuUnsupportedOps.length > 0 && uses('int8'))
    out.push(
      `The Edge TPU compiler does not map ${m.edgeTpuUnsupportedOps.join(', ')}: the first of them and every op after it will run on the host CPU.`,
    );
  if (input.target === 'mcu' && m?.tflmUnsupportedOps && m.tflmUnsupportedOps.length > 0)
    out.push(
      `TFLite Micro has no kernel for ${m.tflmUnsupportedOps.join(', ')}: the model cannot run on a microcontroller until ${m.tflmUnsupportedOps.length === 1 ? 'that op is' : 'those ops are'} replaced.`,
    );
  const d = input.data;
  if (usesSample && d.kind !== 'none' && d.count !== undefined && d.count < CALIBRATION_MIN && !uses('qat'))
    out.push(
      `Calibration on ${d.count} items is thin: ${CALIBRATION_MIN}–${CALIBRATION_MAX} representative inputs is the usual range.`,
    );
  const maxLoss = input.limits?.maxAccuracyLossPoints;
  if (maxLoss !== undefined && recommended && recommended.effect.accuracyRisk !== 'low') {
    const id = postTrainingStep(recommended.steps.map((s) => s.id));
    if (id && input.measuredLoss?.[id as keyof typeof input.measuredLoss] === undefined)
      out.push(
        d.kind === 'labelled'
          ? `Measure the ${SHORT_NAMES[id]} model's accuracy on your labelled data against your ${maxLoss}-point limit before shipping: its loss depends on the model.`
          : `Your ${maxLoss}-point limit cannot be checked without labelled data; agreement with the float model on your sample is the closest proxy.`,
      );
  }
  if (
    !m &&
    (input.board || input.limits?.maxModelBytes !== undefined || input.limits?.maxRamBytes !== undefined)
  )
    out.push('No model given: the size and memory limits could not be checked. Open a model to check them.');
  return out;
}

/** A model that is already int8: nothing to quantize. Say so, and check it fits as it is. */
function alreadyInteger(input: AdvisorInput): Plan {
  const m = input.model!;
  const where = TARGET_NAMES[input.target];
  const warnings: string[] = [];
  const notes = [
    'The model is already int8: quantizing it again would not make it smaller or faster. To try other techniques, start from the float model.',
  ];
  let runsAsIs = true;
  if (integerOnly(input.target)) {
    notes.push(`It is already in the integer-only form the ${where} needs.`);
    const floatIo = [...(m.inputDtypes ?? []), ...(m.outputDtypes ?? [])].filter((t) =>
      t.startsWith('float'),
    );
    if (input.target === 'mcu' && floatIo.length > 0)
      warnings.push(
        'Its inputs or outputs are float: the device converts them on every call. int8 inputs and outputs avoid that; re-convert from the float model with int8 I/O.',
      );
    if (input.target === 'mcu' && m.tflmUnsupportedOps && m.tflmUnsupportedOps.length > 0) {
      runsAsIs = false;
      warnings.push(
        `TFLite Micro has no kernel for ${m.tflmUnsupportedOps.join(', ')}: it cannot run there as is.`,
      );
    }
  } else if (input.target === 'gpu') {
    warnings.push(
      'On a GPU delegate it runs at float speed (int8 weights are dequantized at load); for a GPU, the float model converted to float16 is the better fit.',
    );
  }
  const fit = fitChecks(
    {
      sizeRatio: { min: 1, max: 1 },
      compressedOnly: false,
      compressedGain: false,
      speedup: { min: 1, max: 1, note: '' },
      accuracyRisk: 'low',
      expectedBytes: { min: m.sizeBytes, max: m.sizeBytes },
      ...(m.arenaBytes !== undefined || m.peakActivationBytes !== undefined
        ? {
            expectedRamBytes: {
              value: (m.arenaBytes ?? m.peakActivationBytes)!,
              basis: m.arenaBytes !== undefined ? ('arena' as const) : ('lower-bound' as const),
            },
          }
        : {}),
    },
    input,
    m.perChannelTotal,
  );
  warnings.push(...describeFit(fit, 'current', input));
  return {
    target: input.target,
    priority: input.priority,
    recommended: null,
    standing: 'nothing',
    alternatives: [],
    impossible: [],
    notRecommended: [],
    warnings,
    notes,
    currentFit: fit,
    runsAsIs,
  };
}
