import { InvalidArgumentError } from '../errors';
import { DATA_KINDS, PRIORITIES, TARGETS } from './types';
import type { AdvisorInput } from './types';

/**
 * The advisor's input arrives from IPC and the CLI: check every field so a bad value is an
 * InvalidArgumentError naming the field, never a crash or a silently wrong plan.
 */
export function validateInput(input: AdvisorInput): void {
  if (typeof input !== 'object' || input === null)
    throw new InvalidArgumentError('advisor input must be an object');
  const data = input.data as unknown;
  if (typeof data !== 'object' || data === null || !DATA_KINDS.includes((data as { kind: never }).kind))
    throw new InvalidArgumentError(`data.kind must be one of ${DATA_KINDS.join(', ')}`);
  if ('count' in (data as object) && (data as { count?: unknown }).count !== undefined) {
    if (input.data.kind === 'none')
      throw new InvalidArgumentError('data.count needs data kind unlabelled or labelled');
    const c = (data as { count: unknown }).count;
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 1)
      throw new InvalidArgumentError(
        `data.count must be a whole number of items, at least 1 (got ${String(c)})`,
      );
  }
  if (typeof input.retrain !== 'boolean') throw new InvalidArgumentError('retrain must be true or false');
  if (!TARGETS.includes(input.target))
    throw new InvalidArgumentError(`target must be one of ${TARGETS.join(', ')}`);
  if (!PRIORITIES.includes(input.priority))
    throw new InvalidArgumentError(`priority must be one of ${PRIORITIES.join(', ')}`);
  const l = input.limits ?? {};
  positive(l.maxModelBytes, 'limits.maxModelBytes');
  positive(l.maxRamBytes, 'limits.maxRamBytes');
  if (l.maxAccuracyLossPoints !== undefined) {
    const v = l.maxAccuracyLossPoints;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100)
      throw new InvalidArgumentError(
        `limits.maxAccuracyLossPoints must be between 0 and 100 (got ${String(v)})`,
      );
  }
  if (input.board !== undefined) {
    const b = input.board;
    if (input.target !== 'mcu') throw new InvalidArgumentError('a board applies only to target mcu');
    if (typeof b !== 'object' || b === null || typeof b.id !== 'string' || typeof b.name !== 'string')
      throw new InvalidArgumentError('board needs an id and a name');
    positive(b.flashBytes, 'board.flashBytes');
    positive(b.ramBytes, 'board.ramBytes');
  }
  if (input.model !== undefined) {
    const m = input.model;
    if (typeof m !== 'object' || m === null) throw new InvalidArgumentError('model facts must be an object');
    positive(m.sizeBytes, 'model.sizeBytes');
    for (const k of [
      'float32WeightBytes',
      'float16WeightBytes',
      'peakActivationBytes',
      'arenaBytes',
    ] as const)
      nonNegative(m[k], `model.${k}`);
    if (!Array.isArray(m.int8UnsupportedOps) || !Array.isArray(m.edgeTpuUnsupportedOps))
      throw new InvalidArgumentError('model facts need int8UnsupportedOps and edgeTpuUnsupportedOps lists');
  }
  for (const [k, v] of Object.entries(input.measuredLoss ?? {}))
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InvalidArgumentError(`measuredLoss.${k} must be a number of points`);
}

function positive(v: unknown, name: string): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw new InvalidArgumentError(`${name} must be a whole number of bytes, at least 1 (got ${String(v)})`);
}

function nonNegative(v: unknown, name: string): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new InvalidArgumentError(`${name} must be a whole number of bytes (got ${String(v)})`);
}
