/**
 * Flags that several commands share, declared once, and the parsers of flag values.
 *
 * A command spreads the groups it takes into its parse() options, e.g.
 *   parse(argv, { ...DATASET_FLAGS, baseline: { type: 'string' }, ...JSON_FLAG })
 * and keeps its own flags beside them. Each group's meaning and help wording stays the same in
 * every command that takes it; add a group here when a second command needs the same flags.
 * Parsers throw UsageError (exit code 1) naming the flag.
 */
import { parsePreprocess, type PreprocessSpec } from '../engine/datasets/preprocess';
import type { UF2_FAMILIES } from '../engine/deploy/uf2';
import { defaultWorkerCount } from '../jobs/pool/sample-pool';
import { isTechniqueId, TECHNIQUE_IDS, type TechniqueId } from '../engine/optimize/index';
import { UsageError } from './command';
import { didYouMean } from './suggest';

/** --workers N: threads that run samples (evaluation, calibration, the debugger); default one per core. */
export const WORKERS_FLAG = { workers: { type: 'string' } } as const;

/** The --workers value (a positive integer), or one per core when absent. */
export function workersOption(value: string | undefined): number {
  return value === undefined ? defaultWorkerCount() : positiveInt(value, '--workers');
}

/** --json: the result as JSON on stdout instead of a human table. */
export const JSON_FLAG = { json: { type: 'boolean' } } as const;

/** --out OUT: the file the command writes (never the input; written atomically). */
export const OUT_FLAG = { out: { type: 'string' } } as const;

/** --report DIR: also write report.json, report.md and report.html there. */
export const REPORT_FLAG = { report: { type: 'string' } } as const;

/** --preprocess SPEC: how images become model inputs (engine/datasets/preprocess.ts). */
export const PREPROCESS_FLAG = { preprocess: { type: 'string' } } as const;

/** --calibration PATH: representative samples for the quantizer. */
export const CALIBRATION_FLAG = { calibration: { type: 'string' } } as const;

/** A labelled dataset to evaluate on: --dataset PATH with its preprocessing, split, labels, --limit N. */
export const DATASET_FLAGS = {
  dataset: { type: 'string' },
  ...PREPROCESS_FLAG,
  split: { type: 'string' },
  labels: { type: 'string' },
  limit: { type: 'string' },
} as const;

/** Evaluation of every stage (prune, cluster, optimize): --data PATH and --limit N. */
export const EVALUATION_DATA_FLAGS = {
  data: { type: 'string' },
  limit: { type: 'string' },
} as const;

/** --family of a UF2 image: the flag's words to the engine's family names. */
export const FAMILY_FLAG: Record<string, keyof typeof UF2_FAMILIES> = {
  rp2040: 'rp2040',
  rp2350: 'rp2350-arm-s',
  absolute: 'absolute',
  data: 'data',
};

/** --preprocess parsed once, where the command reads its flags (undefined when not given). */
export function preprocessFlag(text: string | undefined): PreprocessSpec | undefined {
  return text !== undefined ? parsePreprocess(text) : undefined;
}

/** One of `allowed`, or undefined when the flag is absent. */
export function choice(value: string | undefined, allowed: string[], flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) throw new UsageError(`${flag} must be ${allowed.join(', ')}`);
  return value;
}

/** An integer >= 0, or undefined when the flag is absent. */
export function intOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a non-negative integer`);
  return n;
}

/** An integer >= 1; the message quotes what was given. */
export function positiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer, got "${s}"`);
  return n;
}

/**
 * The --technique value, case-insensitive ("INT8" is int8); a UsageError listing the techniques,
 * with the nearest one when the value looks like a typo ("int-8": did you mean "int8"?).
 */
export function techniqueOption(value: string | undefined): TechniqueId {
  const all = TECHNIQUE_IDS.join(', ');
  if (value === undefined) throw new UsageError(`--technique is required: one of ${all}`);
  const id = value.toLowerCase();
  if (isTechniqueId(id)) return id;
  throw new UsageError(`--technique "${value}" is not one of ${all}${didYouMean(id, TECHNIQUE_IDS)}`);
}
