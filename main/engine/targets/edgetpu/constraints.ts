/**
 * What each constraint kind of edgetpu-ops.json checks on one TFLite operator. A check returns
 * null when the op meets the constraint, or the compiler's status with Lowbit's reason and fix.
 *
 * The kinds paraphrase the "Known limitations" column of Coral's supported-operations table;
 * `noAlignCorners` is Lowbit's reading of "depending on input/output size, this operation may not
 * be mapped to avoid loss in precision": resizes with align_corners stay on the CPU in Coral's
 * own compiled DeepLab (../shared/models/coral), so Lowbit predicts that.
 */
import type { OperatorT, TflModel } from '../../tflite/model';
import { opName } from '../../tflite/names';
import type { ConstraintKind, EdgeTpuOpStatus, OpConstraint } from './ops-table';

export interface ConstraintFinding {
  status: EdgeTpuOpStatus;
  reason: string;
  fix: string;
}

/** The operator being checked with what the checks read from it. */
export interface OpUnderCheck {
  model: TflModel;
  op: OperatorT;
  subgraph: number;
}

const UNSPECIFIED: EdgeTpuOpStatus =
  'Operation is otherwise supported, but not mapped due to some unspecified limitation';

type Check = (o: OpUnderCheck, c: OpConstraint) => ConstraintFinding | null;

const CHECKS: Record<ConstraintKind, Check> = {
  noFusedActivation: (o) =>
    option(o, 'fusedActivationFunction') > 0
      ? finding(
          'Operation not supported',
          'has a fused activation',
          'fused activation not supported on this op: apply it as a separate RELU/RELU6 op',
        )
      : null,
  constantInputsAreZeroPadding: (o) => {
    const constants = o.op.inputs.filter((t) => constantBytes(o, t) !== null);
    if (constants.length === 0) return null;
    const allZero = constants.every((t) => constantBytes(o, t)!.every((b) => b === 0));
    return o.op.inputs.length === 2 && allZero
      ? null
      : finding(
          'Operation not supported',
          'concatenates a constant that is not a zero pad between two inputs',
          'concatenate only computed tensors (a constant must be all zeroes, with one other input)',
        );
  },
  sameDilationXY: (o) =>
    option(o, 'dilationWFactor') !== option(o, 'dilationHFactor')
      ? finding(
          'Operation not supported',
          'dilation differs between x and y',
          'use the same dilation in x and y',
        )
      : null,
  defaultWeightsFormat: (o) =>
    option(o, 'weightsFormat') !== 0
      ? finding(
          'Operation not supported',
          'weights are not in the default format',
          'use the default fully-connected weights format',
        )
      : null,
  axesNotBatch: (o) =>
    constantInts(o, o.op.inputs[1]).some((a) => a === 0)
      ? finding(
          UNSPECIFIED,
          'reduces over the batch dimension',
          'reduce over x, y or channels only, never the batch',
        )
      : null,
  axisNotBatch: (o) => {
    // SPLIT takes its axis as constant input 0, PACK as an option.
    const axis = nameOf(o) === 'SPLIT' ? constantInts(o, o.op.inputs[0])[0] : option(o, 'axis');
    return axis === 0
      ? finding(
          UNSPECIFIED,
          'works along the batch dimension',
          'split or pack along x, y or channels, never the batch',
        )
      : null;
  },
  noBatchPadding: (o) => {
    const pads = constantInts(o, o.op.inputs[1]);
    return (pads[0] ?? 0) !== 0 || (pads[1] ?? 0) !== 0
      ? finding(UNSPECIFIED, 'pads the batch dimension', 'pad along x, y or channels only')
      : null;
  },
  noAlignCorners: (o) =>
    option(o, 'alignCorners') > 0
      ? finding(
          UNSPECIFIED,
          'align_corners resize: the Edge TPU would not interpolate precisely enough',
          'resize with align_corners=false (half_pixel_centers) or run the resize at the end of the model',
        )
      : null,
  softmaxVector: (o, c) => {
    const shape = tensorShape(o, o.op.inputs[0]);
    const elements = shape.reduce((a, b) => a * b, 1);
    const innermostOnly = shape.slice(0, -1).every((d) => d === 1);
    return !innermostOnly || elements > (c.maxElements ?? Infinity)
      ? finding(
          UNSPECIFIED,
          `softmax over ${elements} elements of shape [${shape.join(',')}]`,
          `softmax only a 1-D vector of at most ${c.maxElements} elements`,
        )
      : null;
  },
  unitStrides: (o) => {
    const strides = constantInts(o, o.op.inputs[3]);
    const bad =
      strides.some((s) => s !== 1) || option(o, 'ellipsisMask') !== 0 || option(o, 'newAxisMask') !== 0;
    return bad
      ? finding(
          UNSPECIFIED,
          'strided slice with strides other than 1 or an ellipsis/new-axis mask',
          'slice with all strides 1 and no ellipsis or new-axis mask',
        )
      : null;
  },
  noBatchTranspose: (o) =>
    (constantInts(o, o.op.inputs[1])[0] ?? 0) !== 0
      ? finding(
          UNSPECIFIED,
          'moves the batch dimension',
          'transpose x, y and channels only (ONNX-converted models: convert to NHWC without a TRANSPOSE)',
        )
      : null,
};

/** The first constraint of `constraints` the op breaks, or null when it meets them all. */
export function firstBrokenConstraint(
  o: OpUnderCheck,
  constraints: readonly OpConstraint[],
): ConstraintFinding | null {
  for (const c of constraints) {
    const f = CHECKS[c.kind](o, c);
    if (f) return f;
  }
  return null;
}

function finding(status: EdgeTpuOpStatus, reason: string, fix: string): ConstraintFinding {
  return { status, reason, fix };
}

function nameOf(o: OpUnderCheck): string {
  return opName(o.model.operatorCodes[o.op.opcodeIndex]!);
}

/** A numeric or boolean field of the op's builtin options; 0 when absent. */
function option(o: OpUnderCheck, field: string): number {
  const options = o.op.builtinOptions as Record<string, unknown> | null;
  const v = options?.[field];
  return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : 0;
}

function constantBytes(o: OpUnderCheck, tensor: number | undefined): Uint8Array | null {
  if (tensor === undefined || tensor < 0) return null;
  const t = o.model.subgraphs[o.subgraph]!.tensors[tensor];
  const data = t ? o.model.buffers[t.buffer]?.data : undefined;
  return data && data.length > 0 ? data : null;
}

/** The values of a constant int32 tensor (axes, paddings, strides); [] when not constant. */
function constantInts(o: OpUnderCheck, tensor: number | undefined): number[] {
  const data = constantBytes(o, tensor);
  if (!data) return [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return Array.from({ length: Math.floor(data.length / 4) }, (_, i) => view.getInt32(4 * i, true));
}

function tensorShape(o: OpUnderCheck, tensor: number | undefined): number[] {
  if (tensor === undefined || tensor < 0) return [];
  return [...(o.model.subgraphs[o.subgraph]!.tensors[tensor]?.shape ?? [])];
}
