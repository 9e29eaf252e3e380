/**
 * Static int8 QDQ quantization of an ONNX graph from calibrated ranges (ONNX Runtime's S8S8
 * format for CPU): every activation read or written by a quantized op (op-roles.ts) passes
 * through QuantizeLinear → DequantizeLinear with int8 asymmetric per-tensor parameters; weights
 * are int8 symmetric per output channel, biases int32 at input scale × weight scale, both behind
 * a DequantizeLinear. All consumers of a quantized tensor read the dequantized value, so the
 * runtime can fuse each DQ → op → Q into an integer kernel. The graph is modified in place.
 */
import type { GraphProto, NodeProto, TensorProto } from '../../onnx/proto/onnx_pb';
import { asymmetricParams, quantizeValue } from '../../quant/math';
import type { Range } from '../calibrate/index';
import {
  consumersOf,
  dimsOf,
  floatValues,
  initializersOf,
  namesIn,
  producersOf,
  renameReads,
  freshName,
} from './graph';
import { dropUnusedInitializers } from './fold-batchnorm';
import {
  activationInputs,
  isQuantizedOp,
  isRemovableActivation,
  SAME_AS_INPUT_OPS,
  WEIGHTED_OPS,
} from './op-roles';
import {
  dequantizedBias,
  dequantizedConstantActivation,
  dequantizedWeight,
  qdqPair,
  type ActivationParams,
  type QdqBuilder,
} from './qdq-nodes';

export const INT8_ACTIVATIONS = { qmin: -128, qmax: 127, symmetric: false } as const;

export interface StaticQdqOptions {
  /** Per-tensor weights instead of per output channel (always so below opset 13). */
  perTensor: boolean;
}

export interface QdqSummary {
  quantizedNodes: number;
  floatNodes: number;
  removedActivations: number;
  warnings: string[];
}

const paramsOf = (r: Range): ActivationParams =>
  asymmetricParams(r.min, r.max, INT8_ACTIVATIONS.qmin, INT8_ACTIVATIONS.qmax);

export function insertStaticQdq(
  graph: GraphProto,
  ranges: Map<string, Range>,
  o: StaticQdqOptions,
): QdqSummary {
  const removedActivations = removeFusedActivations(graph);
  const constants = initializersOf(graph);
  const quantized = graph.node.filter(isQuantizedOp);
  const params = activationParams(graph, quantized, ranges, constants);
  const b: QdqBuilder = { graph, used: namesIn(graph), constantNodes: [] };
  const warnings: string[] = [];
  // A node is quantized when every float output it writes got parameters.
  const unquantized = quantized.filter((n) => n.output.some((out) => ranges.has(out) && !params.has(out)));
  if (unquantized.length > 0)
    warnings.push(
      `${unquantized.length} node(s) without a calibrated range stay float: ${unquantized
        .slice(0, 5)
        .map((n) => n.name || n.opType)
        .join(', ')}`,
    );
  const quantizedNodes = quantized.length - unquantized.length;

  // Constant operands: weights, biases, constant activations, each read through its DequantizeLinear.
  for (const node of quantized) {
    const role = WEIGHTED_OPS[node.opType];
    const weight = role ? constants.get(node.input[role.weightInput]) : undefined;
    const weightValues = weight ? floatValues(weight) : null;
    if (role && weight && weightValues) {
      const axis = o.perTensor ? null : role.channelAxis(node, weight);
      const w = dequantizedWeight(b, weight.name, weightValues, dimsOf(weight), axis);
      node.input[role.weightInput] = w.output;
      const bias = role.biasInput !== undefined ? constants.get(node.input[role.biasInput] ?? '') : undefined;
      const biasValues = bias ? floatValues(bias) : null;
      const inputParams = params.get(node.input[0]);
      if (
        bias &&
        biasValues &&
        inputParams &&
        (w.scales.length === 1 || w.scales.length === biasValues.length)
      )
        node.input[role.biasInput!] = dequantizedBias(b, bias.name, biasValues, inputParams.scale, w.scales);
    }
    for (const i of activationInputs(node)) {
      const constant = constants.get(node.input[i]);
      const values = constant ? floatValues(constant) : null;
      const p = params.get(node.input[i]);
      if (!constant || !values || !p) continue;
      const quantize = (x: number) => quantizeValue(x, p.scale, p.zeroPoint, -128, 127);
      node.input[i] = dequantizedConstantActivation(b, constant.name, values, dimsOf(constant), p, quantize);
    }
  }

  // Activations: a QuantizeLinear → DequantizeLinear pair after the producer (or the graph input).
  const graphOutputs = new Set(graph.output.map((v) => v.name));
  const graphInputs = new Set(graph.input.map((v) => v.name));
  const after = new Map<string, NodeProto[]>();
  const atStart: NodeProto[] = [];
  for (const [tensor, p] of params) {
    if (constants.has(tensor)) continue;
    if (graphInputs.has(tensor) && graphOutputs.has(tensor)) continue;
    let source = tensor;
    let dequantized: string;
    if (graphOutputs.has(tensor)) {
      // The graph output keeps its name: the producer writes a new one, the DequantizeLinear the old.
      source = freshName(b.used, `${tensor}_prequantized`);
      for (const node of graph.node) node.output = node.output.map((n) => (n === tensor ? source : n));
      dequantized = tensor;
    } else {
      dequantized = freshName(b.used, `${tensor}_dequantized`);
      renameReads(graph, tensor, dequantized);
    }
    const pair = qdqPair(b, tensor, source, dequantized, p);
    if (graphInputs.has(tensor)) atStart.push(...pair);
    else after.set(source, pair);
  }
  const ordered: NodeProto[] = [...b.constantNodes, ...atStart];
  for (const node of graph.node) {
    ordered.push(node);
    for (const out of node.output) ordered.push(...(after.get(out) ?? []));
  }
  graph.node = ordered;
  dropUnusedInitializers(graph);

  const glue = new Set(['QuantizeLinear', 'DequantizeLinear', 'Constant']);
  const floatNodes = graph.node.filter((n) => !glue.has(n.opType)).length - quantizedNodes;
  return { quantizedNodes, floatNodes, removedActivations, warnings };
}

/**
 * Parameters for every activation a quantized node reads or writes, in graph order so an op
 * that keeps its input's parameters (SAME_AS_INPUT_OPS) finds them already chosen.
 */
function activationParams(
  graph: GraphProto,
  quantized: NodeProto[],
  ranges: Map<string, Range>,
  constants: Map<string, TensorProto>,
): Map<string, ActivationParams> {
  const params = new Map<string, ActivationParams>();
  const fromRange = (name: string) => {
    if (params.has(name)) return;
    const constant = constants.get(name);
    const values = constant ? floatValues(constant) : null;
    let range = ranges.get(name);
    if (values) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) if (v < min) min = v;
      for (const v of values) if (v > max) max = v;
      range = { min, max };
    }
    if (range && Number.isFinite(range.min) && Number.isFinite(range.max)) params.set(name, paramsOf(range));
  };
  const isQuantized = new Set(quantized);
  for (const node of graph.node) {
    if (!isQuantized.has(node)) continue;
    for (const i of activationInputs(node)) if (node.input[i]) fromRange(node.input[i]);
    const inputParams = params.get(node.input[0]);
    for (const out of node.output) {
      if (!out) continue;
      if (SAME_AS_INPUT_OPS.has(node.opType) && inputParams && ranges.has(out)) params.set(out, inputParams);
      else fromRange(out);
    }
  }
  return params;
}

/**
 * Removes each Relu (or Clip from 0) that alone reads the output of a quantized op: that op now
 * writes the activation's output, whose calibrated range starts at 0, so quantization clamps.
 */
function removeFusedActivations(graph: GraphProto): number {
  // Clip's bounds are initializers or, as torch.onnx.export writes them, Constant nodes.
  const constants = initializersOf(graph);
  for (const n of graph.node) {
    const value = n.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value')?.t : undefined;
    if (value && n.output[0]) constants.set(n.output[0], value);
  }
  const consumers = consumersOf(graph);
  const producers = producersOf(graph);
  const graphOutputs = new Set(graph.output.map((v) => v.name));
  const removed = new Set<NodeProto>();
  for (const act of graph.node) {
    if (!isRemovableActivation(act, constants)) continue;
    const producer = producers.get(act.input[0]);
    if (!producer || !isQuantizedOp(producer) || removed.has(producer)) continue;
    if (graphOutputs.has(act.input[0]) || consumers.get(act.input[0])?.length !== 1) continue;
    producer.output = producer.output.map((n) => (n === act.input[0] ? act.output[0] : n));
    removed.add(act);
  }
  graph.node = graph.node.filter((n) => !removed.has(n));
  // The removed Clips' bounds, when Constant nodes no one else reads.
  const read = new Set(graph.node.flatMap((n) => n.input));
  graph.node = graph.node.filter(
    (n) => n.opType !== 'Constant' || n.output.some((o) => read.has(o) || graphOutputs.has(o)),
  );
  return removed.size;
}
