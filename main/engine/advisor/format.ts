import { formatBytes } from './effects';
import { TARGET_NAMES } from './techniques';
import type { TrainingAdvice } from './training';
import type { FitCheck, Plan, PlanOption } from './types';

const FIT_LABEL: Record<FitCheck['what'], string> = {
  flash: 'flash',
  ram: 'RAM',
  'max-bytes': 'your size limit',
  'max-ram': 'your memory limit',
};

function fitLine(f: FitCheck): string {
  const mark = !f.fits ? 'DOES NOT FIT' : f.mayNotFit ? 'may not fit' : 'fits';
  const basis = f.basis === 'lower-bound' ? ', lower bound' : f.basis === 'arena' ? ', from the arena' : '';
  const split =
    f.modelBytes !== undefined && f.runtimeBytes !== undefined
      ? ` = model ${formatBytes(f.modelBytes)} + TFLite Micro runtime and kernels ${formatBytes(f.runtimeBytes)}`
      : f.ramParts
        ? ` = arena ${formatBytes(f.ramParts.arenaBytes)} + TFLite Micro bookkeeping ${formatBytes(f.ramParts.bookkeepingBytes)} + margin ${formatBytes(f.ramParts.marginBytes)}`
        : '';
  return `${FIT_LABEL[f.what]}: ${formatBytes(f.neededBytes)}${split} of ${formatBytes(f.availableBytes)} (${mark}${basis})`;
}

function optionLines(o: PlanOption): string[] {
  const out: string[] = [];
  o.steps.forEach((s, i) => {
    const where = s.runsIn === 'training' ? 'in training: `lowbit train` or your own pipeline' : 'in Lowbit';
    out.push(`  ${i + 1}. ${s.title} [${s.id}, ${where}]`);
    for (const r of s.reasons) out.push(`     - ${r}`);
  });
  const e = o.effect;
  const size =
    e.sizeRatio.min === e.sizeRatio.max ? `×${e.sizeRatio.min}` : `×${e.sizeRatio.min}–×${e.sizeRatio.max}`;
  const bytes = e.expectedBytes
    ? ` ≈ ${formatBytes(e.expectedBytes.min)}${e.expectedBytes.max !== e.expectedBytes.min ? ` to ${formatBytes(e.expectedBytes.max)}` : ''}`
    : '';
  out.push(`  expected: size ${size}${bytes}${e.compressedGain ? ', smaller compressed download' : ''}`);
  out.push(`            speed: ${e.speedup.note}; accuracy risk: ${e.accuracyRisk}`);
  if (e.expectedRamBytes)
    out.push(
      `            working memory: ${e.expectedRamBytes.basis === 'lower-bound' ? 'at least ' : '≈ '}${formatBytes(e.expectedRamBytes.value)}`,
    );
  for (const f of o.fit) out.push(`            ${fitLine(f)}`);
  if (!o.deployable) out.push('  (host-side preview only: not deployable to this target)');
  return out;
}

/** The plan as a readable list, for `lowbit recommend` without --json. */
export function formatPlan(plan: Plan): string {
  const out: string[] = [`Target: ${TARGET_NAMES[plan.target]}, priority: ${plan.priority}`, ''];
  if (plan.recommended) {
    const head: Record<Plan['standing'], string> = {
      recommended: 'Recommended:',
      'misses-limits': 'Closest option (it misses your limits, see the notes below):',
      'cannot-run': `Nothing here runs on the ${TARGET_NAMES[plan.target]}; a host-side preview:`,
      nothing: 'Recommended:',
    };
    out.push(head[plan.standing], ...optionLines(plan.recommended), '');
  } else {
    out.push('Recommended: nothing to run (see the notes below).', '');
    for (const f of plan.currentFit ?? []) out.push(`  as it is, ${fitLine(f)}`);
    if (plan.currentFit?.length) out.push('');
  }
  if (plan.alternatives.length) {
    out.push('Alternatives, in order:');
    for (const a of plan.alternatives) out.push(`  - ${a.summary}`);
    out.push('');
  }
  if (plan.impossible.length) {
    out.push('Not possible here:');
    for (const b of plan.impossible) out.push(`  - ${b.id}: ${b.why} To unlock: ${b.unlock}`);
    out.push('');
  }
  if (plan.notRecommended.length) {
    out.push('Advised against:');
    for (const b of plan.notRecommended)
      out.push(`  - ${b.id}: ${b.why} What would change that: ${b.unlock}`);
    out.push('');
  }
  if (plan.warnings.length || plan.notes.length) {
    out.push('Notes:');
    for (const n of plan.notes) out.push(`  - ${n}`);
    for (const w of plan.warnings) out.push(`  ! ${w}`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}

/**
 * The training recipe as `lowbit recommend` prints it under the plan: the command to run it with
 * Lowbit's trainer, the reasons, the other priorities' recipes and the cautions.
 */
export function formatTraining(advice: TrainingAdvice): string {
  const out = [
    'Train it here (labelled data, retraining allowed):',
    `  ${advice.title} [${advice.recipe}]`,
    `  lowbit train MODEL --data LABELLED --recipe ${advice.recipe} --out OUT.tflite`,
    ...advice.reasons.map((r) => `     - ${r}`),
  ];
  if (advice.alternatives.length) {
    out.push('  Other recipes:');
    for (const a of advice.alternatives) out.push(`  - ${a.recipe}: ${a.reasons.join(' ')}`);
  }
  for (const w of advice.warnings) out.push(`  ! ${w}`);
  return out.join('\n');
}
