import type { InspectReport, TensorInfo } from '../model/inspect-report';
import { TFLM_OPS } from '../deploy/tflm-ops';
import type { ModelDtype, ModelFacts } from './types';
import { EDGETPU_OPS as EDGETPU_OPS_TABLE } from '../targets/edgetpu/ops-table';

/**
 * Builtin ops with an int8 kernel in TFLite (quantization_spec.md and the reference kernels).
 * Full integer conversion with TFLITE_BUILTINS_INT8 fails on anything else instead of falling
 * back to float, so the advisor lists the rest as blockers.
 */
export const INT8_OPS: ReadonlySet<string> = new Set([
  'ADD',
  'ARG_MAX',
  'ARG_MIN',
  'AVERAGE_POOL_2D',
  'BATCH_TO_SPACE_ND',
  'CONCATENATION',
  'CONV_2D',
  'DEPTH_TO_SPACE',
  'DEPTHWISE_CONV_2D',
  'DEQUANTIZE',
  'EQUAL',
  'EXPAND_DIMS',
  'FULLY_CONNECTED',
  'GATHER',
  'GREATER',
  'GREATER_EQUAL',
  'HARD_SWISH',
  'L2_NORMALIZATION',
  'LEAKY_RELU',
  'LESS',
  'LESS_EQUAL',
  'LOG_SOFTMAX',
  'LOGISTIC',
  'MAX_POOL_2D',
  'MAXIMUM',
  'MEAN',
  'MINIMUM',
  'MUL',
  'NOT_EQUAL',
  'PACK',
  'PAD',
  'PADV2',
  'PRELU',
  'QUANTIZE',
  'REDUCE_MAX',
  'REDUCE_MIN',
  'RELU',
  'RELU6',
  'RELU_N1_TO_1',
  'RESHAPE',
  'RESIZE_BILINEAR',
  'RESIZE_NEAREST_NEIGHBOR',
  'SHAPE',
  'SLICE',
  'SOFTMAX',
  'SPACE_TO_BATCH_ND',
  'SPACE_TO_DEPTH',
  'SPLIT',
  'SPLIT_V',
  'SQUEEZE',
  'STRIDED_SLICE',
  'SUB',
  'SUM',
  'TANH',
  'TRANSPOSE',
  'TRANSPOSE_CONV',
  'UNIDIRECTIONAL_SEQUENCE_LSTM',
  'UNPACK',
]);

/**
 * Ops the Edge TPU compiler maps; others run on the CPU. The one list is the op table of
 * targets/edgetpu (edgetpu-ops.json, with its source and compiler version).
 */
export const EDGETPU_OPS: ReadonlySet<string> = new Set(Object.keys(EDGETPU_OPS_TABLE.ops));

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  bool: 1,
};

const INTEGER_WEIGHT_DTYPES = new Set(['int8', 'uint8', 'int16', 'int4']);

/** Elements of a concrete shape, or null when a dimension is unknown (negative) or absurd. */
function elements(shape: readonly number[]): number | null {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) return null;
    n *= d;
  }
  return Number.isSafeInteger(n) ? n : null;
}

function activationBytes(t: TensorInfo): number | null {
  const n = elements(t.shape);
  const b = DTYPE_BYTES[t.dtype];
  return n === null || b === undefined ? null : n * b;
}

/**
 * The largest set of activation bytes any one operator of the main subgraph needs at once. A
 * planner cannot do with less, so this is a lower bound on the arena; it ignores tensors that
 * must outlive the operator and kernel scratch, which the real planner adds.
 */
function peakActivation(report: InspectReport): number | undefined {
  const sg = report.subgraphs[0];
  if (!sg) return undefined;
  let peak = 0;
  for (const op of sg.operators) {
    const seen = new Set<number>();
    let sum = 0;
    for (const i of [...op.inputs, ...op.outputs]) {
      if (i < 0 || seen.has(i)) continue; // -1 marks an omitted optional input
      seen.add(i);
      const t = sg.tensors[i];
      if (!t || t.bytes > 0) continue; // constants live in flash, not the arena
      const b = activationBytes(t);
      if (b === null) return undefined; // a dynamic shape: no honest bound
      sum += b;
    }
    peak = Math.max(peak, sum);
  }
  return peak;
}

/** Ops whose weights TFLM keeps per-channel multipliers and shifts for (deploy/footprint-facts.ts). */
const PER_CHANNEL_OPS: ReadonlySet<string> = new Set([
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'FULLY_CONNECTED',
  'TRANSPOSE_CONV',
]);

/**
 * What TFLM's bookkeeping counts in the main subgraph: tensors, operators, the per-channel
 * parameters the model has now (scales on the weights of conv-like ops, as footprint-facts.ts
 * counts them) and the ones a full-integer conversion would give it (one per output channel:
 * Lowbit's int8 quantizer makes conv, depthwise, fully connected and transpose conv weights
 * per-channel).
 */
function bookkeeping(
  report: InspectReport,
): Pick<ModelFacts, 'tensorCount' | 'operatorCount' | 'perChannelTotal' | 'int8PerChannelTotal'> {
  const sg = report.subgraphs[0];
  if (!sg) return {};
  let now = 0;
  let int8 = 0;
  for (const op of sg.operators) {
    if (!PER_CHANNEL_OPS.has(op.op)) continue;
    const w = sg.tensors[op.inputs[1] ?? -1];
    if (!w) continue;
    now += w.quantization?.scale.length ?? 0;
    // Output channels: the last dimension of a depthwise filter [1, H, W, C], else the first.
    const ch = op.op === 'DEPTHWISE_CONV_2D' ? w.shape[w.shape.length - 1] : w.shape[0];
    int8 += ch !== undefined && ch > 0 ? ch : (w.quantization?.scale.length ?? 1);
  }
  return {
    tensorCount: sg.tensors.length,
    operatorCount: sg.operators.length,
    perChannelTotal: now,
    int8PerChannelTotal: int8,
  };
}

function classify(byDtype: Record<string, number>): ModelDtype {
  const f32 = byDtype['float32'] ?? 0;
  const f16 = byDtype['float16'] ?? 0;
  const ints = [...INTEGER_WEIGHT_DTYPES].reduce((a, d) => a + (byDtype[d] ?? 0), 0);
  const kinds = [f32 > 0, f16 > 0, ints > 0].filter(Boolean).length;
  if (kinds > 1) return 'mixed';
  if (ints > 0) return 'int8';
  if (f16 > 0) return 'float16';
  return 'float32';
}

/** The advisor's view of a model, from `inspectModel`'s report (the inspector's JSON). */
export function modelFactsFromReport(report: InspectReport, extra: { arenaBytes?: number } = {}): ModelFacts {
  const weightBytes: Record<string, number> = {};
  const activationDtypes = new Set<string>();
  const counted = new Set<number>();
  let parameterCount = 0;
  for (const sg of report.subgraphs) {
    for (const t of sg.tensors) {
      if (t.bytes > 0) {
        if (counted.has(t.buffer)) continue;
        counted.add(t.buffer);
        weightBytes[t.dtype] = (weightBytes[t.dtype] ?? 0) + t.bytes;
        parameterCount += elements(t.shape) ?? 0;
      } else if (!t.isVariable) {
        activationDtypes.add(t.dtype);
      }
    }
  }
  const main = report.subgraphs[0];
  const ioDtypes = (ids: number[]) => ids.map((i) => main?.tensors[i]?.dtype ?? 'unknown');
  const dtype = classify(weightBytes);
  const ops = Object.keys(report.opCounts).sort();
  // Activations of an int8 model are int8 apart from bookkeeping int32 tensors (shapes, argmax).
  const actKinds = [...activationDtypes].filter((d) => d !== 'int32' && d !== 'int64' && d !== 'bool');
  const activationDtype = actKinds.length === 1 ? actKinds[0] : actKinds.length === 0 ? undefined : 'mixed';
  const peak = peakActivation(report);
  const facts: ModelFacts = {
    sizeBytes: report.sizeBytes,
    dtype,
    alreadyQuantized: dtype !== 'float32',
    opCounts: { ...report.opCounts },
    parameterCount,
    float32WeightBytes: weightBytes['float32'] ?? 0,
    float16WeightBytes: weightBytes['float16'] ?? 0,
    inputDtypes: main ? ioDtypes(main.inputs) : [],
    outputDtypes: main ? ioDtypes(main.outputs) : [],
    int8UnsupportedOps: ops.filter((o) => !INT8_OPS.has(o)),
    edgeTpuUnsupportedOps: ops.filter((o) => !EDGETPU_OPS.has(o) && o !== 'DEQUANTIZE'),
    tflmUnsupportedOps: ops.filter((o) => !TFLM_OPS[o]),
    ...(report.format === 'tflite' ? bookkeeping(report) : {}),
  };
  if (activationDtype !== undefined) facts.activationDtype = activationDtype;
  if (peak !== undefined) facts.peakActivationBytes = peak;
  if (extra.arenaBytes !== undefined) facts.arenaBytes = extra.arenaBytes;
  return facts;
}

/** Bytes per activation element for a dtype name (float32 when unknown). */
export function activationElementBytes(dtype: string | undefined): number {
  return (dtype && DTYPE_BYTES[dtype]) || 4;
}
