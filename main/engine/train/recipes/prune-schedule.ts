/**
 * TFMOT's PolynomialDecay pruning schedule, and where in a run it puts its end (shared by the
 * `prune:S` and `prune:N:M` recipes and by `cluster:K`, which starts clustering when pruning ends
 * so that it can keep the zeros).
 *
 * sparsity(step) = final + (initial - final) · (1 - p)^power, p = clamp((step - begin) / (end - begin), 0, 1)
 *
 * The mask is recomputed at step `begin` and then every `frequency` steps up to `end`, as TFMOT's
 * `_should_prune_in_step` has it (begin ≤ step ≤ end and (step - begin) % frequency == 0); `step`
 * counts optimizer steps done before the batch (0 before the first). Lowbit's run puts `end` at
 * two thirds of the run's steps, rounded down to a multiple of the frequency so the last update
 * reaches the final sparsity exactly, and leaves the last third to recover accuracy with the final
 * mask. The frequency is TFMOT's default 100 steps, fewer when the run is too short for ten
 * updates at that pace.
 */

export interface PolynomialDecay {
  initialSparsity: number;
  finalSparsity: number;
  power: number;
  beginStep: number;
  endStep: number;
  frequency: number;
}

export const DEFAULT_FREQUENCY = 100;
export const DEFAULT_POWER = 3;

/** The schedule of a run of `totalSteps` optimizer steps pruning to `finalSparsity`. */
export function runSchedule(finalSparsity: number, totalSteps: number): PolynomialDecay {
  const raw = Math.max(1, Math.floor((totalSteps * 2) / 3));
  const frequency = Math.max(1, Math.min(DEFAULT_FREQUENCY, Math.floor(raw / 10)));
  return {
    initialSparsity: 0,
    finalSparsity,
    power: DEFAULT_POWER,
    beginStep: 0,
    endStep: Math.max(frequency, raw - (raw % frequency)),
    frequency,
  };
}

/** The schedule's target sparsity at `step` (TFMOT PolynomialDecay.__call__'s value). */
export function sparsityAt(s: PolynomialDecay, step: number): number {
  const p = Math.min(1, Math.max(0, (step - s.beginStep) / (s.endStep - s.beginStep)));
  return s.finalSparsity + (s.initialSparsity - s.finalSparsity) * (1 - p) ** s.power;
}

/** Whether the mask is recomputed before the batch that follows `step` optimizer steps. */
export function isPruningStep(s: PolynomialDecay, step: number): boolean {
  return step >= s.beginStep && step <= s.endStep && (step - s.beginStep) % s.frequency === 0;
}
