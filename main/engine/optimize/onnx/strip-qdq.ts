/**
 * Reads the quantization a QDQ ONNX model carries (a QOperator model is first rewritten as QDQ,
 * qoperator-to-qdq.ts) and removes it, leaving the float model it
 * describes plus the parameters by tensor name, for conversion to int8 TFLite that keeps them
 * (to-int8-tflite.ts):
 *   - DequantizeLinear of a constant (weights, biases): the constant becomes its float value,
 *     (q − zero point) × scale in float32, under the DequantizeLinear's output name; the scales,
 *     zero points and axis are recorded.
 *   - QuantizeLinear → DequantizeLinear on an activation: both go, readers of the dequantized
 *     value read the float tensor again; the parameters are recorded for that tensor (uint8
 *     parameters as their int8 equivalent: same scale, zero point − 128, which changes nothing).
 *     A pair whose range starts at 0 clamps negative values, which is how QDQ models carry a Relu
 *     fused away by the quantizer: a Relu is put back so the float model computes the same.
 * The input model is not modified.
 */
import { clone } from '@bufbuild/protobuf';
import { ModelFormatError, UnsupportedOpError } from '../../errors';
import {
  ModelProtoSchema,
  TensorProto_DataType,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../../onnx/proto/onnx_pb';
import {
  attributeInt,
  dimsOf,
  floatValues,
  graphOf,
  initializersOf,
  freshName,
  makeInitializer,
  makeNode,
  namesIn,
  producersOf,
  renameReads,
} from './graph';
import { dropUnusedInitializers } from './fold-batchnorm';
import { SAME_AS_INPUT_OPS } from './op-roles';
import { hasQOperators, qoperatorsToQdq } from './qoperator-to-qdq';

/** Parameters of one quantized tensor as the ONNX model gave them. */
export interface OnnxQuantParams {
  scale: number[];
  zeroPoint: number[];
  /** Per-axis dimension, or null for per tensor. */
  axis: number | null;
  dtype: 'int8' | 'uint8' | 'int32';
}

export interface StrippedModel {
  /** The float model (no QuantizeLinear/DequantizeLinear left). */
  model: ModelProto;
  /** Activations: int8 per-tensor parameters by tensor name of the float model. */
  activations: Map<string, { scale: number; zeroPoint: number; source: OnnxQuantParams }>;
  /** Constants (weights and biases) by initializer name of the float model. */
  constants: Map<string, OnnxQuantParams>;
}

/** Ops whose output is never negative already: no Relu needed after them. */
const CLAMPS_AT_ZERO = new Set(['Relu', 'Clip', 'Sigmoid', 'Softmax']);

/** Ops whose output is non-negative when their first input is (they move, pick or average values). */
const KEEPS_SIGN = new Set([...SAME_AS_INPUT_OPS, 'GlobalAveragePool', 'AveragePool']);

const QUANT_DTYPES: Partial<Record<number, OnnxQuantParams['dtype']>> = {
  [TensorProto_DataType.INT8]: 'int8',
  [TensorProto_DataType.UINT8]: 'uint8',
  [TensorProto_DataType.INT32]: 'int32',
};

/** True when the model is quantized: QuantizeLinear/DequantizeLinear or QLinearConv/QLinearMatMul nodes. */
export function hasQdq(model: ModelProto): boolean {
  const graph = graphOf(model);
  return (
    hasQOperators(graph) ||
    graph.node.some((n) => n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear')
  );
}

export function stripQdq(source: ModelProto): StrippedModel {
  const model = clone(ModelProtoSchema, source);
  const graph = graphOf(model);
  if (hasQOperators(graph)) qoperatorsToQdq(graph);
  const constants = initializersOf(graph);
  const activations: StrippedModel['activations'] = new Map();
  const constantParams: StrippedModel['constants'] = new Map();
  const removed = new Set<NodeProto>();
  const graphOutputs = new Set(graph.output.map((o) => o.name));

  for (const dq of graph.node) {
    if (dq.opType !== 'DequantizeLinear' || !constants.has(dq.input[0])) continue;
    const q = constants.get(dq.input[0])!;
    const params = paramsOf(dq, q.dataType, constants, dimsOf(q));
    const values = dequantize(q, params);
    graph.initializer.push(makeInitializer(dq.output[0], 'float32', dimsOf(q), values));
    constantParams.set(dq.output[0], params);
    removed.add(dq);
  }

  const producers = producersOf(graph);
  const used = namesIn(graph);
  const relus = new Map<NodeProto, NodeProto>();
  const nonNegative = new Set<string>();
  const readers = new Map<string, NodeProto[]>();
  for (const n of graph.node) for (const i of n.input) readers.set(i, [...(readers.get(i) ?? []), n]);
  for (const q of graph.node) {
    if (q.opType !== 'QuantizeLinear' || constants.has(q.input[0])) continue;
    const params = paramsOf(q, zeroPointType(q, constants), constants, null);
    const dqs = readers.get(q.output[0]) ?? [];
    if (dqs.length === 0 || dqs.some((d) => d.opType !== 'DequantizeLinear') || graphOutputs.has(q.output[0]))
      throw new UnsupportedOpError(
        `QuantizeLinear '${q.name}': its int8 output is read by ${dqs.map((d) => d.opType).join(', ') || 'the graph output'}; ` +
          'only QuantizeLinear → DequantizeLinear pairs on activations are converted',
      );
    if (params.axis !== null)
      throw new UnsupportedOpError(
        `QuantizeLinear '${q.name}': per-axis activations have no TFLite int8 form`,
      );
    let name = q.input[0];
    for (const dq of dqs) {
      const out = dq.output[0];
      if (graphOutputs.has(out)) {
        renameEverywhere(graph, name, out);
        name = out;
      } else renameReads(graph, out, name);
      removed.add(dq);
    }
    removed.add(q);
    const producer = producers.get(name);
    const startsAtZero = params.zeroPoint[0] === (params.dtype === 'uint8' ? 0 : -128);
    if (startsAtZero) nonNegative.add(name);
    const clampedBefore =
      producer &&
      (CLAMPS_AT_ZERO.has(producer.opType) ||
        (KEEPS_SIGN.has(producer.opType) && nonNegative.has(producer.input[0])));
    if (startsAtZero && producer && !clampedBefore) {
      const before = freshName(used, `${name}_before_relu`);
      producer.output = producer.output.map((n) => (n === name ? before : n));
      relus.set(producer, makeNode('Relu', [before], [name], freshName(used, `${name}_Relu`)));
    }
    const shift = params.dtype === 'uint8' ? 128 : 0;
    activations.set(name, { scale: params.scale[0], zeroPoint: params.zeroPoint[0] - shift, source: params });
  }
  graph.node = graph.node
    .filter((n) => !removed.has(n))
    .flatMap((n) => [n, ...(relus.has(n) ? [relus.get(n)!] : [])]);
  const left = graph.node.find((n) => n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear');
  if (left)
    throw new UnsupportedOpError(
      `${left.opType} '${left.name}' is not part of a QDQ pair or a constant's DequantizeLinear`,
    );
  dropUnusedInitializers(graph);
  return { model, activations, constants: constantParams };
}

function zeroPointType(node: NodeProto, constants: Map<string, TensorProto>): number {
  const zp = node.input[2] ? constants.get(node.input[2]) : undefined;
  return zp ? zp.dataType : TensorProto_DataType.UINT8; // ONNX's default zero point is uint8 0
}

function paramsOf(
  node: NodeProto,
  dataType: number,
  constants: Map<string, TensorProto>,
  /** The quantized constant's dims; null for an activation (shape unknown here). */
  dims: number[] | null,
): OnnxQuantParams {
  const rank = dims?.length ?? 0;
  const where = `${node.opType} '${node.name}'`;
  const dtype = QUANT_DTYPES[dataType];
  if (!dtype)
    throw new UnsupportedOpError(
      `${node.opType} '${node.name}': quantized type ${dataType} is not int8, uint8 or int32`,
    );
  const scaleTensor = constants.get(node.input[1]);
  const scale = scaleTensor ? floatValues(scaleTensor) : null;
  if (!scale)
    throw new UnsupportedOpError(`${node.opType} '${node.name}': its scale is not a float32 constant`);
  const zpTensor = node.input[2] ? constants.get(node.input[2]) : undefined;
  if (node.input[2] && !zpTensor)
    throw new UnsupportedOpError(`${node.opType} '${node.name}': its zero point is not a constant`);
  const zeroPoint = zpTensor ? integerValues(zpTensor) : new Array<number>(scale.length).fill(0);
  if (!scale.every((s) => s > 0 && Number.isFinite(s)))
    throw new ModelFormatError(`${where}: a scale is not a positive finite number`);
  if (zeroPoint.length !== scale.length)
    throw new ModelFormatError(`${where}: ${zeroPoint.length} zero point(s) for ${scale.length} scale(s)`);
  let axis: number | null = null;
  if (
    scale.length > 1 ||
    (scaleTensor && dimsOf(scaleTensor).length === 1 && rank > 0 && dimsOf(scaleTensor)[0] > 1)
  ) {
    axis = attributeInt(node, 'axis', 1);
    if (axis < 0) axis += rank;
    if (dims && !(axis >= 0 && axis < rank && dims[axis] === scale.length))
      throw new ModelFormatError(
        `${where}: ${scale.length} scales along axis ${attributeInt(node, 'axis', 1)} of a [${dims.join(', ')}] tensor`,
      );
  }
  return { scale: Array.from(scale), zeroPoint, axis, dtype };
}

function integerValues(t: TensorProto): number[] {
  const raw = t.rawData;
  const n = dimsOf(t).reduce((a, b) => a * b, 1);
  const size = t.dataType === TensorProto_DataType.INT32 ? 4 : 1;
  if (raw.length > 0 ? raw.length !== n * size : t.int32Data.length < n)
    throw new ModelFormatError(`initializer '${t.name}': its data does not match its dims`);
  if (raw.length === 0) return t.int32Data.slice(0, n);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: n }, (_, k) =>
    t.dataType === TensorProto_DataType.INT8
      ? view.getInt8(k)
      : t.dataType === TensorProto_DataType.UINT8
        ? view.getUint8(k)
        : view.getInt32(k * 4, true),
  );
}

/** (q − zero point) × scale in float32, per axis when the parameters are. */
function dequantize(q: TensorProto, p: OnnxQuantParams): Float32Array {
  const ints = integerValues(q);
  const dims = dimsOf(q);
  const inner = p.axis === null ? ints.length : dims.slice(p.axis + 1).reduce((a, b) => a * b, 1);
  const channels = p.axis === null ? 1 : dims[p.axis];
  const out = new Float32Array(ints.length);
  for (let k = 0; k < ints.length; k++) {
    const c = p.axis === null ? 0 : Math.floor(k / inner) % channels;
    out[k] = Math.fround((ints[k] - p.zeroPoint[c]) * p.scale[c]);
  }
  return out;
}

/** Renames a tensor where it is written and read (the graph output keeps its own name). */
function renameEverywhere(graph: GraphProto, from: string, to: string): void {
  for (const node of graph.node) {
    node.input = node.input.map((n) => (n === from ? to : n));
    node.output = node.output.map((n) => (n === from ? to : n));
  }
  for (const v of graph.input) if (v.name === from) v.name = to;
}
