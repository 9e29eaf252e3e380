/**
 * Dynamic quantization of an ONNX graph, weights only: the float32 weights of Conv,
 * ConvTranspose, Gemm and MatMul become int8 (symmetric, per output channel) behind a
 * DequantizeLinear, and activations stay float. This is the QDQ form of weight-only int8 that
 * ONNX Runtime reads on every execution provider; it is not ONNX Runtime's quantize_dynamic,
 * which rewrites MatMul to DynamicQuantizeLinear + MatMulInteger (and Conv to ConvInteger, which
 * its CPU provider lacks for int8 weights). The file shrinks to about a quarter; the arithmetic
 * stays float. The graph is modified in place.
 */
import type { GraphProto } from '../../onnx/proto/onnx_pb';
import { dimsOf, floatValues, initializersOf, namesIn } from './graph';
import { dropUnusedInitializers } from './fold-batchnorm';
import { WEIGHTED_OPS } from './op-roles';
import { dequantizedWeight, type QdqBuilder } from './qdq-nodes';
import type { QdqSummary } from './static-qdq';

export function insertWeightDequantize(graph: GraphProto, o: { perTensor: boolean }): QdqSummary {
  const constants = initializersOf(graph);
  const b: QdqBuilder = { graph, used: namesIn(graph), constantNodes: [] };
  const done = new Map<string, string>();
  let quantizedNodes = 0;
  for (const node of graph.node) {
    const role = node.domain === '' ? WEIGHTED_OPS[node.opType] : undefined;
    const weight = role ? constants.get(node.input[role.weightInput]) : undefined;
    const values = weight ? floatValues(weight) : null;
    if (!role || !weight || !values) continue;
    const axis = o.perTensor ? null : role.channelAxis(node, weight);
    const key = `${weight.name}\u0000${String(axis)}`;
    let output = done.get(key);
    if (!output)
      done.set(key, (output = dequantizedWeight(b, weight.name, values, dimsOf(weight), axis).output));
    node.input[role.weightInput] = output;
    quantizedNodes++;
  }
  graph.node = [...b.constantNodes, ...graph.node];
  dropUnusedInitializers(graph);
  return {
    quantizedNodes,
    floatNodes:
      graph.node.filter((n) => n.opType !== 'Constant').length - b.constantNodes.length - quantizedNodes,
    removedActivations: 0,
    warnings: [],
  };
}
