/**
 * Turns a QDQ ONNX model into its QOperator form, as ONNX Runtime's quantizer writes with
 * QuantFormat.QOperator: each DequantizeLinear(x) · DequantizeLinear(w) · DequantizeLinear(b) →
 * Conv → QuantizeLinear(y) becomes one QLinearConv(x, xs, xz, w, ws, wz, ys, yz, b). A
 * DequantizeLinear left without readers is removed. Test support for the QOperator path of the
 * quantized ONNX → TFLite conversion (the same parameters must come out of both forms).
 */
import { clone, create } from '@bufbuild/protobuf';
import {
  ModelProtoSchema,
  NodeProtoSchema,
  type ModelProto,
  type NodeProto,
} from '../../main/engine/onnx/proto/onnx_pb';

export function qdqToQOperator(source: ModelProto): { model: ModelProto; fused: number } {
  const model = clone(ModelProtoSchema, source);
  const graph = model.graph!;
  const writer = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) writer.set(o, n);
  const readers = (name: string) => graph.node.filter((n) => n.input.includes(name));
  const drop = new Set<NodeProto>();
  let fused = 0;
  for (const conv of graph.node.filter((n) => n.opType === 'Conv')) {
    const [x, w, b] = conv.input.map((i) => writer.get(i));
    const after = readers(conv.output[0]);
    if (
      x?.opType !== 'DequantizeLinear' ||
      w?.opType !== 'DequantizeLinear' ||
      b?.opType !== 'DequantizeLinear'
    )
      continue;
    if (after.length !== 1 || after[0].opType !== 'QuantizeLinear') continue;
    const q = after[0];
    const fusedNode = create(NodeProtoSchema, {
      opType: 'QLinearConv',
      name: `${conv.name}_quant`,
      input: [...x.input, ...w.input, q.input[1], q.input[2], b.input[0]],
      output: [q.output[0]],
      attribute: conv.attribute,
    });
    graph.node.splice(graph.node.indexOf(conv), 1, fusedNode);
    drop.add(q).add(w).add(b);
    fused++;
  }
  graph.node = graph.node.filter((n) => !drop.has(n));
  // Activation DequantizeLinears that only the fused convs read.
  graph.node = graph.node.filter(
    (n) =>
      n.opType !== 'DequantizeLinear' ||
      graph.node.some((r) => r.input.includes(n.output[0])) ||
      graph.output.some((o) => o.name === n.output[0]),
  );
  return { model, fused };
}
