/**
 * The advisor's estimate next to what a run measured, with a plain reason when they differ
 * (issue 17: "2–3× on CPU" promised, 0.99× measured, and not a word about it). The estimate is
 * recomputed with the same rules the plan used (effects.ts), so the two never drift apart.
 */
import type { TechniqueId as PostTrainingId } from '../optimize/techniques/registry';
import { effectOf, formatBytes } from './effects';
import { TARGET_NAMES } from './techniques';
import type { ModelFacts, Target } from './types';

export interface EstimateCheck {
  what: 'speed' | 'size' | 'ram';
  /** The estimate in words: "2–3× on CPU (hybrid int8 kernels)", "about 21.9 KiB (22,400 bytes)". */
  estimate: string;
  /** What this run measured, in the same unit: "0.99×", "21.9 KiB (22,448 bytes)". */
  measured: string;
  /** True when the measurement is within the estimate; null when there is no figure to compare. */
  agrees: boolean | null;
  /** Why they differ (or why there is nothing to compare), for people; absent when they agree. */
  reason?: string;
}

/** The measured side: the technique's row of the comparison (speed-up over the float row). */
export interface MeasuredRow {
  bytes: number;
  speedup: number;
  arenaBytes: number;
}

/** Size and arena estimates are estimates: within 5% counts as agreeing. */
const TOLERANCE = 0.05;

const times = (x: number) => `${Number(x.toFixed(2))}×`;

/**
 * Compares the estimate for `technique` on `target` (for the float model described by `facts`)
 * with the run's row. Speed is measured by Lowbit's interpreter on this machine, which is not
 * the runtime the estimate describes: that is the usual reason for a gap, and it is said so.
 */
export function checkEstimates(
  technique: PostTrainingId,
  target: Target,
  facts: ModelFacts,
  row: MeasuredRow,
): EstimateCheck[] {
  const effect = effectOf([technique], {
    data: { kind: 'unlabelled' },
    retrain: false,
    target,
    priority: 'latency',
    model: facts,
  });
  const out: EstimateCheck[] = [];

  const s = effect.speedup;
  const measuredSpeed = times(row.speedup);
  if (s.min === null && s.max === null) {
    out.push({
      what: 'speed',
      estimate: s.note,
      measured: measuredSpeed,
      agrees: null,
      reason: `There is no published speed-up to compare with; ${measuredSpeed} is Lowbit's interpreter on this machine, not the ${TARGET_NAMES[target]}.`,
    });
  } else {
    const lo = (s.min ?? s.max!) * (1 - TOLERANCE);
    const hi = s.max === null ? Infinity : s.max * (1 + TOLERANCE);
    const agrees = row.speedup >= lo && row.speedup <= hi;
    const check: EstimateCheck = { what: 'speed', estimate: s.note, measured: measuredSpeed, agrees };
    if (!agrees) check.reason = speedReason(target, row.speedup);
    out.push(check);
  }

  if (effect.expectedBytes) {
    const { min, max } = effect.expectedBytes;
    const agrees = row.bytes >= min * (1 - TOLERANCE) && row.bytes <= max * (1 + TOLERANCE);
    const check: EstimateCheck = {
      what: 'size',
      estimate: `about ${min === max ? formatBytes(min) : `${formatBytes(min)} to ${formatBytes(max)}`}`,
      measured: formatBytes(row.bytes),
      agrees,
    };
    if (!agrees)
      check.reason =
        row.bytes > max
          ? 'The estimate shrinks every float weight; the file keeps some float (tensors too small to be worth quantizing, or ops the technique leaves alone) and adds quantization scales, zero points and int32 biases.'
          : 'More of the file shrank than the estimate counts on (float constants other than weights were converted too).';
    out.push(check);
  }

  const ram = effect.expectedRamBytes;
  if (ram && row.arenaBytes > 0) {
    const agrees =
      ram.basis === 'arena'
        ? Math.abs(row.arenaBytes - ram.value) <= ram.value * TOLERANCE
        : row.arenaBytes >= ram.value;
    const check: EstimateCheck = {
      what: 'ram',
      estimate: `${ram.basis === 'lower-bound' ? 'at least ' : 'about '}${formatBytes(ram.value)}`,
      measured: `${formatBytes(row.arenaBytes)}, planned for the produced model`,
      agrees,
    };
    if (!agrees)
      check.reason =
        row.arenaBytes > ram.value
          ? 'Some activations stay wider than the estimate assumes (int32 tensors, float layers, or input and output conversions).'
          : 'The produced model needs less than the estimate: it scales the float arena by bytes per value, and the planner packed the new tensors tighter.';
    out.push(check);
  }
  return out;
}

function speedReason(target: Target, measured: number): string {
  const here =
    measured < 1
      ? `it ran slower than the float model here (${times(measured)})`
      : `it ran ${times(measured)} as fast as the float model here`;
  if (target === 'cpu')
    return `The estimate is for TensorFlow Lite's optimised CPU kernels; ${here}, in Lowbit's own interpreter (bit-exact reference kernels in JavaScript and WebAssembly). Use it to rank techniques; measure the speed on your device.`;
  return `The estimate is for the ${TARGET_NAMES[target]}; ${here}, on this machine's CPU in Lowbit's own interpreter. Measure the speed on the ${TARGET_NAMES[target]}.`;
}
