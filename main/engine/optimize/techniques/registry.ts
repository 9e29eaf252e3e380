/**
 * The post-training techniques, in the order they are offered and compared. This is the one
 * list of them: the technique id type, the CLI's `--technique` and help, `lowbit demo`, the
 * pipeline's `quantize:<t>`, the contract's validation and the advisor all derive from it.
 *
 * To add a technique: write `<id>.ts` beside this file exporting a `TechniqueDefinition` and add
 * it to `TECHNIQUES` below. Nothing else changes.
 */
import { InvalidArgumentError } from '../../errors';
import { dynamic } from './dynamic';
import { float16 } from './float16';
import { int16x8 } from './int16x8';
import { int8 } from './int8';
import type { TechniqueDefinition } from './types';

const DEFINITIONS = [float16, dynamic, int8, int16x8] as const;

export type TechniqueId = (typeof DEFINITIONS)[number]['id'];

export const TECHNIQUES: readonly TechniqueDefinition<TechniqueId>[] = DEFINITIONS;

export const TECHNIQUE_IDS: readonly TechniqueId[] = TECHNIQUES.map((t) => t.id);

export function isTechniqueId(s: string): s is TechniqueId {
  return (TECHNIQUE_IDS as readonly string[]).includes(s);
}

/** The definition of a technique id; throws for an unknown one. */
export function techniqueById(id: string): TechniqueDefinition<TechniqueId> {
  const t = TECHNIQUES.find((d) => d.id === id);
  if (!t)
    throw new InvalidArgumentError(`unknown technique '${id}' (${TECHNIQUE_IDS.join(', ')})`, {
      option: 'technique',
    });
  return t;
}

/** A typed id or one of the technique's aliases ("16x8"), in any case, to its id; undefined when unknown. */
export function resolveTechnique(name: string): TechniqueId | undefined {
  const n = name.trim().toLowerCase();
  return TECHNIQUES.find((t) => t.id === n || t.aliases?.includes(n))?.id;
}

/** The techniques that need a calibration sample. */
export function needsCalibration(id: TechniqueId): boolean {
  return techniqueById(id).needs === 'calibration-sample';
}

/** Ids of the techniques that take an option, for messages ("applies to int8, int16x8 only"). */
export function techniquesTaking(option: TechniqueDefinition['options'][number]): TechniqueId[] {
  return TECHNIQUES.filter((t) => t.options.includes(option)).map((t) => t.id);
}
