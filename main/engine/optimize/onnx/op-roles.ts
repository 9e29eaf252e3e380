/**
 * Which ONNX ops the QDQ quantizer quantizes and what each input is, after ONNX Runtime's
 * quantize_static defaults for CPU (its QDQ operator registry): weighted ops get int8 weights
 * (symmetric, per output channel) and an int32 bias; their activation inputs and outputs get a
 * QuantizeLinear/DequantizeLinear pair. Ops that only move or select values (pooling, reshapes)
 * give their output the input's parameters, as ONNX Runtime and TFLite's int8 spec both do.
 * Relu (and Clip from 0) right after a quantized op is folded into that op's output range.
 *
 * To quantize another op: add it to one of the tables below.
 */
import type { NodeProto, TensorProto } from '../../onnx/proto/onnx_pb';
import { attributeInt, dimsOf, floatValues } from './graph';

/** A weighted op's constant operands: which input is the weight, its channel axis, the bias. */
export interface WeightRole {
  weightInput: number;
  /** The output-channel axis of the weight, or null for per-tensor only. */
  channelAxis(node: NodeProto, weight: TensorProto): number | null;
  biasInput?: number;
}

export const WEIGHTED_OPS: Record<string, WeightRole> = {
  Conv: { weightInput: 1, channelAxis: () => 0, biasInput: 2 },
  // ConvTranspose weights are [C_in, C_out / group, kH, kW]: per channel only without groups.
  ConvTranspose: {
    weightInput: 1,
    channelAxis: (node) => (attributeInt(node, 'group', 1) === 1 ? 1 : null),
    biasInput: 2,
  },
  // Gemm's B is [K, N], or [N, K] with transB: the output channel is N.
  Gemm: { weightInput: 1, channelAxis: (node) => (attributeInt(node, 'transB', 0) ? 0 : 1), biasInput: 2 },
  // MatMul's constant B [K, N]: the output channel is the last axis (2-D weights only).
  MatMul: { weightInput: 1, channelAxis: (_node, w) => (dimsOf(w).length === 2 ? 1 : null) },
};

/** Ops whose output keeps the parameters of input 0 (value-preserving moves and selections). */
export const SAME_AS_INPUT_OPS = new Set([
  'MaxPool',
  'AveragePool',
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Slice',
  'Resize',
]);

/** Other ops quantized with their own calibrated output range. */
export const CALIBRATED_OPS = new Set([
  'Add',
  'Mul',
  'Relu',
  'Clip',
  'LeakyRelu',
  'Sigmoid',
  'GlobalAveragePool',
  'Concat',
  'Softmax',
  'Pad',
]);

/** Ops whose every input is an activation (constants too are quantized per tensor). */
const ALL_INPUTS_OPS = new Set(['Add', 'Mul', 'Concat']);

export function isQuantizedOp(node: NodeProto): boolean {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return false;
  return node.opType in WEIGHTED_OPS || SAME_AS_INPUT_OPS.has(node.opType) || CALIBRATED_OPS.has(node.opType);
}

/** Indices of the inputs that carry activations (quantized per tensor, asymmetric). */
export function activationInputs(node: NodeProto): number[] {
  if (ALL_INPUTS_OPS.has(node.opType)) return node.input.map((_, i) => i);
  const role = WEIGHTED_OPS[node.opType];
  if (role) return node.input.map((_, i) => i).filter((i) => i !== role.weightInput && i !== role.biasInput);
  return [0];
}

/**
 * True for a Relu, or a Clip whose lower bound is 0 (attribute before opset 11, constant input
 * after), which quantization to an output range starting at 0 reproduces.
 */
export function isRemovableActivation(node: NodeProto, constants: Map<string, TensorProto>): boolean {
  if (node.opType === 'Relu') return true;
  if (node.opType !== 'Clip') return false;
  const minAttribute = node.attribute.find((a) => a.name === 'min');
  if (minAttribute) return minAttribute.f === 0;
  const min = node.input[1] ? constants.get(node.input[1]) : undefined;
  const values = min ? floatValues(min) : null;
  return values?.length === 1 && values[0] === 0;
}
