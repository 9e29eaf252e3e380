/**
 * The session file: a session's runs with their models, written by runs.export (format
 * `session`) and read back by runs.open. Read back, it is an untrusted file like any other: its
 * size is bounded by the contract, its shape and every number and string by the schema below
 * (strict objects, bounded lengths, finite numbers in their ranges), and each model it carries is
 * read with the bounds-checked model reader by the caller. Measured figures (the comparison) are
 * taken from the file once they pass the schema; derived ones (the board fit, the Edge TPU check,
 * the run's label) are recomputed from the model and the settings, never trusted.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidArgumentError } from '../engine/errors';
import { isTechniqueId } from '../engine/optimize/techniques/registry';
import type {
  ComparisonInfo,
  DebugLayerInfo,
  OptimizeTechnique,
  RunRecord,
  RunSettings,
} from '../contract/types';

export const SESSION_FORMAT = 'lowbit-session';
export const SESSION_VERSION = 1;

/** A run as the file holds it. */
export interface SessionRun {
  id: string;
  technique: OptimizeTechnique;
  settings: RunSettings;
  createdAt: string;
  seconds: number;
  origin: RunRecord['origin'];
  comparison: ComparisonInfo;
  warnings: string[];
  layers: DebugLayerInfo[] | null;
  model: { name: string; base64: string };
}

export interface SessionFile {
  format: typeof SESSION_FORMAT;
  version: typeof SESSION_VERSION;
  savedAt: string;
  /** The model the runs started from: a session file reopens only onto the same bytes. */
  model: { name: string; sizeBytes: number; sha256: string };
  runs: SessionRun[];
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const text = (max: number) => z.string().max(max);
const finite = z.number().finite();
const nonNeg = finite.min(0);
const fraction = finite.min(0).max(1);
const count = z
  .number()
  .int()
  .min(0)
  .max(2 ** 42);

const row = z
  .object({
    technique: text(200),
    bytes: count,
    gzipBytes: count,
    sizeRatio: nonNeg.max(1e6),
    gzipRatio: nonNeg.max(1e6),
    accuracy: fraction.nullable(),
    accuracyDeltaPts: finite.min(-100).max(100).nullable(),
    agreement: fraction.nullable(),
    sqnrDb: finite.min(-1000).max(1000).nullable(),
    latencyMs: nonNeg.max(1e9),
    latencyP90Ms: nonNeg.max(1e9),
    latencyThreads: z.number().int().min(1).max(4096).nullable(),
    speedup: nonNeg.max(1e9),
    arenaBytes: count,
  })
  .strict();

const layer = z
  .object({
    name: text(4096),
    op: text(64),
    opIndex: z.number().int().min(0).max(1e7),
    dtype: text(16),
    sqnrDb: finite.min(-1000).max(1000).nullable(),
    cosine: finite.min(-1).max(1),
    maxAbsError: nonNeg,
    flagged: z.boolean(),
    remedy: text(4096).nullable(),
  })
  .strict();

const settings = z
  .object({
    technique: text(64),
    calibrationSamples: z.number().int().min(1).max(100_000).optional(),
    evaluationSamples: z.number().int().min(1).max(1_000_000).optional(),
    io: z.enum(['float', 'int8', 'uint8', 'int16']).optional(),
    keepFloat: z.array(text(256).min(1)).max(256).optional(),
    calibrationMethod: z.enum(['minmax', 'moving-average', 'percentile', 'mse']).optional(),
    board: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
    edgetpu: z.boolean().optional(),
    workers: z.number().int().min(1).max(64).optional(),
    calibration: text(1000).optional(),
  })
  .strict();

/** A model's file name: a plain .tflite base name (it names exported files later). */
const modelName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}\.tflite$/, 'a .tflite file name');

const run = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
    technique: z.string().refine(isTechniqueId, 'a technique id'),
    settings,
    createdAt: z.string().datetime(),
    seconds: nonNeg.max(1e7),
    origin: z.enum(['run', 'compare', 'file']),
    comparison: z
      .object({
        title: text(1000),
        dataset: text(2000),
        samples: z.number().int().min(1).max(1e9),
        rows: z.array(row).min(2).max(32),
      })
      .strict(),
    warnings: z.array(text(4000)).max(200),
    layers: z.array(layer).max(100_000).nullable(),
    model: z
      .object({
        name: modelName,
        base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
      })
      .strict(),
  })
  .strict()
  .refine((r) => r.settings.technique === r.technique, 'settings for another technique')
  .refine(
    (r) => r.comparison.rows.some((x) => x.technique === r.technique),
    'no row for its technique in its comparison',
  );

const file = z
  .object({
    format: z.literal(SESSION_FORMAT),
    version: z.literal(SESSION_VERSION),
    savedAt: z.string().datetime(),
    model: z
      .object({
        name: text(255),
        sizeBytes: count,
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .strict(),
    runs: z.array(run).max(1000),
  })
  .strict();

/** Parses and checks a session file's text; INVALID_ARGUMENT naming the first problem otherwise. */
export function parseSessionFile(source: string): SessionFile {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    throw new InvalidArgumentError(
      'the session file is not JSON: choose a file Lowbit saved with "Save session"',
    );
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== SESSION_FORMAT)
    throw new InvalidArgumentError(`not a Lowbit session file (it has no "format": "${SESSION_FORMAT}")`);
  const parsed = file.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // The path says where (runs.2.comparison.rows.0.accuracy) and the code what; zod's message
    // is not used, since some quote the value and the file's own text is never echoed.
    throw new InvalidArgumentError(
      `the session file is damaged or from another version: ${issue.path.join('.') || 'the top level'}: ${issue.code.replace(/_/g, ' ')}`,
    );
  }
  return parsed.data as SessionFile;
}

export function serializeSessionFile(s: SessionFile): string {
  return `${JSON.stringify(s, null, 1)}\n`;
}
