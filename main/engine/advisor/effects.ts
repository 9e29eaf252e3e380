import { ramBudget } from '../deploy/fit';
import { activationElementBytes } from './facts';
import type { Template } from './rules';
import { RISK_ORDER, TECHNIQUES, speedOn } from './techniques';
import type { AdvisorInput, Effect, FitCheck, ModelFacts, Risk, TechniqueId } from './types';

const TRAINING_ONLY: ReadonlySet<TechniqueId> = new Set(['prune', 'cluster', 'qat', 'distill']);

/** The step that decides the runtime format: the last one that is not a training step. */
function formatStep(template: Template): TechniqueId {
  for (let i = template.length - 1; i >= 0; i--) if (!TRAINING_ONLY.has(template[i]!)) return template[i]!;
  return template[template.length - 1]!;
}

/**
 * Model bytes after a size ratio. Only float weights shrink: int32 biases, integer weights,
 * the flatbuffer tables and metadata stay as they are. float16 weights count as float32 at
 * twice their bytes, because the ratios are relative to float32. Rounded to whole bytes; an
 * estimate, since per-channel scales and int32 biases add a little that we do not model.
 */
export function bytesAfter(model: ModelFacts, ratio: number): number {
  const f32 = model.float32WeightBytes ?? 0;
  const f16 = model.float16WeightBytes ?? 0;
  const fixed = Math.max(0, model.sizeBytes - f32 - f16);
  return fixed + Math.round((f32 + 2 * f16) * ratio);
}

/**
 * Working memory after the plan: the measured arena (or the activation lower bound) scaled by
 * the new bytes per activation element. Assumes the arena is all activations of one dtype,
 * which holds for the models we plan: kernel scratch is small next to the tensors.
 */
function ramAfter(model: ModelFacts, newElementBytes: number | null): Effect['expectedRamBytes'] {
  const base = model.arenaBytes ?? model.peakActivationBytes;
  if (base === undefined) return undefined;
  const basis = model.arenaBytes !== undefined ? 'arena' : 'lower-bound';
  if (newElementBytes === null) return { value: base, basis };
  const current = activationElementBytes(
    model.activationDtype === 'mixed' ? 'float32' : model.activationDtype,
  );
  return { value: Math.round((base * newElementBytes) / current), basis };
}

export function effectOf(template: Template, input: AdvisorInput): Effect {
  let min = 1;
  let max = 1;
  let risk: Risk = 'low';
  let actBytes: number | null = null;
  for (const id of template) {
    const t = TECHNIQUES[id];
    min *= t.weightRatio.min;
    max *= t.weightRatio.max;
    if (RISK_ORDER[t.risk] > RISK_ORDER[risk]) risk = t.risk;
    // For RAM we take the conservative end (keep-float-fallback may keep float activations).
    if (t.activationBytes) actBytes = t.activationBytes.max;
  }
  // QAT learns the rounding, so the int8 conversion after it carries low risk.
  if (template[0] === 'qat') risk = 'low';
  // With a sample below the usual size, calibrated ranges are less trustworthy.
  const d = input.data;
  if (
    d.kind !== 'none' &&
    d.count !== undefined &&
    d.count < 100 &&
    template.includes('int8') &&
    risk === 'low'
  )
    risk = 'medium';
  const effect: Effect = {
    sizeRatio: { min, max },
    compressedOnly: template.every((id) => TECHNIQUES[id].compressedOnly),
    compressedGain: template.some((id) => TECHNIQUES[id].compressedOnly),
    speedup: speedOn(formatStep(template), input.target),
    accuracyRisk: risk,
  };
  const m = input.model;
  if (m) {
    effect.expectedBytes = { min: bytesAfter(m, min), max: bytesAfter(m, max) };
    // null: no step changes the activation type (float16, dynamic range and training steps).
    const ram = ramAfter(m, actBytes);
    if (ram) effect.expectedRamBytes = ram;
  }
  return effect;
}

/**
 * Fit against the user's limits and the board. Model bytes use the optimistic end of the
 * estimate (for per-layer fallback: only a few float layers). RAM on a microcontroller is the
 * figure `lowbit fit` gives (deploy/fit.ts ramBudget: arena + TFLite Micro bookkeeping + margin)
 * when the model's counts are known; on other targets it is the arena, which is what the user's
 * working-memory limit means there. A figure from the activation lower bound, or an MCU arena
 * without the bookkeeping, can show a miss but not a fit: then `mayNotFit` is set.
 * `perChannel` is the per-channel parameter count of the planned model (int8PerChannelTotal for
 * a full-integer plan).
 */
export function fitChecks(effect: Effect, input: AdvisorInput, perChannel?: number): FitCheck[] {
  const out: FitCheck[] = [];
  const bytes = effect.expectedBytes?.min;
  const ram = ramNeeded(effect, input, perChannel);
  const add = (what: FitCheck['what'], needed: number, available: number, basis: FitCheck['basis']) =>
    out.push({ what, neededBytes: needed, availableBytes: available, fits: needed <= available, basis });
  const addRam = (what: 'ram' | 'max-ram', available: number) => {
    if (!ram) return;
    const f: FitCheck = {
      what,
      neededBytes: ram.value,
      availableBytes: available,
      fits: ram.value <= available,
      basis: ram.basis,
    };
    if (ram.parts) f.ramParts = ram.parts;
    if (f.fits && !ram.complete) f.mayNotFit = true;
    out.push(f);
  };
  const limits = input.limits ?? {};
  if (bytes !== undefined && limits.maxModelBytes !== undefined)
    add('max-bytes', bytes, limits.maxModelBytes, 'estimate');
  if (limits.maxRamBytes !== undefined) addRam('max-ram', limits.maxRamBytes);
  if (input.board) {
    const runtime = input.board.runtimeFlashBytes;
    if (bytes !== undefined && runtime !== undefined)
      out.push({
        what: 'flash',
        neededBytes: bytes + runtime,
        availableBytes: input.board.flashBytes,
        fits: bytes + runtime <= input.board.flashBytes,
        basis: 'estimate',
        modelBytes: bytes,
        runtimeBytes: runtime,
      });
    else if (bytes !== undefined) add('flash', bytes, input.board.flashBytes, 'estimate');
    addRam('ram', input.board.ramBytes);
  }
  return out;
}

interface RamFigure {
  value: number;
  basis: 'arena' | 'lower-bound';
  parts?: FitCheck['ramParts'];
  /** False when the figure leaves something out (a lower bound, or no bookkeeping on an MCU). */
  complete: boolean;
}

function ramNeeded(effect: Effect, input: AdvisorInput, perChannel: number | undefined): RamFigure | null {
  const ram = effect.expectedRamBytes;
  if (!ram) return null;
  const m = input.model;
  const exact = ram.basis === 'arena';
  if (input.target !== 'mcu') return { value: ram.value, basis: ram.basis, complete: exact };
  if (m?.tensorCount === undefined || m.operatorCount === undefined)
    return { value: ram.value, basis: ram.basis, complete: false };
  const b = ramBudget(ram.value, {
    tensorCount: m.tensorCount,
    operatorCount: m.operatorCount,
    perChannelTotal: perChannel ?? m.perChannelTotal ?? 0,
  });
  return {
    value: b.total,
    basis: ram.basis,
    parts: { arenaBytes: ram.value, bookkeepingBytes: b.persistent, marginBytes: b.margin },
    complete: exact,
  };
}

/** "300.2 KiB (307,400 bytes)": both, so the wizard reader can compare with a datasheet either way. */
export function formatBytes(n: number): string {
  const exact = `${n.toLocaleString('en-US')} bytes`;
  if (n < 1024) return exact;
  const kib = n / 1024;
  const human = kib < 1024 ? `${trim(kib)} KiB` : `${trim(kib / 1024)} MiB`;
  return `${human} (${exact})`;
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}
