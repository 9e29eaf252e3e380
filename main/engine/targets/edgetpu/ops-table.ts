/**
 * The Edge TPU's operator table: edgetpu-ops.json (data, with its source URL and the compiler and
 * runtime versions it describes), validated once at load. The JSON is bundled by import, so the
 * engine reads no file.
 *
 * To support a new op: add its TFLite name to `ops` in the JSON, with `minRuntime` when it needs a
 * newer Edge TPU runtime than 10 and its `constraints` (kinds from CONSTRAINT_KINDS; what each
 * kind checks is in constraints.ts). A new kind of constraint: its name here and its check in
 * constraints.ts.
 */
import { z } from 'zod';
import table from './edgetpu-ops.json';

/** The per-op statuses of the compiler's .log, in its own words. */
export const EDGETPU_OP_STATUSES = [
  'Mapped to Edge TPU',
  'Operation not supported',
  'More than one subgraph is not supported',
  'Operation is working on an unsupported data type',
  'Tensor has unsupported rank (up to 3 innermost dimensions mapped)',
  'Operation version not supported',
  'Operation is otherwise supported, but not mapped due to some unspecified limitation',
] as const;
export type EdgeTpuOpStatus = (typeof EDGETPU_OP_STATUSES)[number];
export const MAPPED: EdgeTpuOpStatus = 'Mapped to Edge TPU';
export const AFTER_CUT: EdgeTpuOpStatus = 'More than one subgraph is not supported';

/** What the compiler prints instead of a table when it refuses the whole model. */
export const EDGETPU_MODEL_ERRORS = [
  'Model not quantized',
  'Attempting to use a delegate that only supports static-sized tensors with a graph that has dynamic-sized tensors.',
] as const;
export type EdgeTpuModelError = (typeof EDGETPU_MODEL_ERRORS)[number];

export const CONSTRAINT_KINDS = [
  'noFusedActivation',
  'constantInputsAreZeroPadding',
  'sameDilationXY',
  'defaultWeightsFormat',
  'axesNotBatch',
  'axisNotBatch',
  'noBatchPadding',
  'noAlignCorners',
  'softmaxVector',
  'unitStrides',
  'noBatchTranspose',
] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

const constraintSchema = z.object({
  kind: z.enum(CONSTRAINT_KINDS),
  maxElements: z.number().int().positive().optional(),
});
export type OpConstraint = z.infer<typeof constraintSchema>;

const adviceSchema = z.object({ fix: z.string() });

const tableSchema = z.object({
  about: z.string(),
  source: z.string().url(),
  compilerSource: z.string().url(),
  compilerVersion: z.string(),
  runtimeVersion: z.number().int(),
  onChipMemoryBytes: z.number().int().positive(),
  onChipMemoryNote: z.string(),
  usableParameterCacheBytes: z.number().int().positive(),
  activationDtypes: z.array(z.string()).min(1),
  int8IoMinRuntime: z.number().int(),
  statuses: z.record(z.enum(EDGETPU_OP_STATUSES), adviceSchema),
  modelErrors: z.record(z.enum(EDGETPU_MODEL_ERRORS), adviceSchema),
  ops: z.record(
    z.string().regex(/^[A-Z0-9_]+$/),
    z.object({
      minRuntime: z.number().int().optional(),
      maxVersion: z.number().int().optional(),
      /** Computed tensors of other dtypes the op may have (the int8 LSTM's int16 cell state). */
      extraDtypes: z.array(z.string()).optional(),
      constraints: z.array(constraintSchema).optional(),
    }),
  ),
});

export type EdgeTpuOpsTable = z.infer<typeof tableSchema>;

/** The table, validated: a broken JSON fails at load with zod's message, in every test. */
export const EDGETPU_OPS: EdgeTpuOpsTable = tableSchema.parse(table);

/** Where the table comes from, for reports: URL, compiler and runtime versions. */
export function edgeTpuTableSource(): { source: string; compilerVersion: string; runtimeVersion: number } {
  return {
    source: EDGETPU_OPS.source,
    compilerVersion: EDGETPU_OPS.compilerVersion,
    runtimeVersion: EDGETPU_OPS.runtimeVersion,
  };
}
