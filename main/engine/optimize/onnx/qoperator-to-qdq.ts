/**
 * QOperator ONNX (QLinearConv, QLinearMatMul on quantized tensors) rewritten as the equivalent
 * QDQ graph, so strip-qdq.ts reads both forms the same way:
 *   QLinearConv(x, xs, xz, w, ws, wz, ys, yz, B)  →  DQ(x) · DQ(w) · DQ(B at xs × ws) → Conv → Q(ys, yz)
 *   QLinearMatMul(a, as, az, b, bs, bz, ys, yz)   →  DQ(a) · DQ(b) → MatMul → Q(ys, yz)
 * An op that reads a quantized tensor directly (MaxPool, Reshape, Flatten... which run on 8-bit
 * values as they are) gets a DequantizeLinear before it and a QuantizeLinear with the same
 * parameters after it. Any other op reading a quantized tensor is an UnsupportedOpError naming it.
 * The graph is modified in place.
 */
import { UnsupportedOpError } from '../../errors';
import type { GraphProto, NodeProto } from '../../onnx/proto/onnx_pb';
import {
  floatValues,
  freshName,
  initializersOf,
  intAttribute,
  makeInitializer,
  makeNode,
  namesIn,
} from './graph';
import { SAME_AS_INPUT_OPS } from './op-roles';

/** Scale and zero point initializer names of a quantized activation. */
interface QuantRef {
  scale: string;
  zeroPoint: string;
}

export function hasQOperators(graph: GraphProto): boolean {
  return graph.node.some((n) => n.opType === 'QLinearConv' || n.opType === 'QLinearMatMul');
}

export function qoperatorsToQdq(graph: GraphProto): void {
  const constants = initializersOf(graph);
  const used = namesIn(graph);
  /** Quantized activations (outputs of QuantizeLinear and of QLinear ops) and their parameters. */
  const quantized = new Map<string, QuantRef>();
  const out: NodeProto[] = [];
  const dq = (tensor: string, ref: QuantRef, axis?: number) => {
    const name = freshName(used, `${tensor}_dequantized`);
    out.push(
      makeNode(
        'DequantizeLinear',
        [tensor, ref.scale, ref.zeroPoint],
        [name],
        freshName(used, `${tensor}_DequantizeLinear`),
        axis === undefined ? [] : [intAttribute('axis', axis)],
      ),
    );
    return name;
  };
  const q = (floatName: string, tensor: string, ref: QuantRef) => {
    out.push(
      makeNode(
        'QuantizeLinear',
        [floatName, ref.scale, ref.zeroPoint],
        [tensor],
        freshName(used, `${tensor}_QuantizeLinear`),
      ),
    );
    quantized.set(tensor, ref);
  };
  const floats = (name: string): Float32Array => {
    const t = constants.get(name);
    const values = t ? floatValues(t) : null;
    if (!values)
      throw new UnsupportedOpError(`the scale '${name}' of a QLinear op is not a float32 constant`);
    return values;
  };
  const perAxis = (scale: string) => floats(scale).length > 1;

  for (const node of graph.node) {
    const i = node.input;
    if (node.opType === 'QuantizeLinear') {
      out.push(node);
      quantized.set(node.output[0], { scale: i[1], zeroPoint: i[2] });
    } else if (node.opType === 'QLinearConv') {
      const x = dq(i[0], { scale: i[1], zeroPoint: i[2] });
      const w = dq(i[3], { scale: i[4], zeroPoint: i[5] }, perAxis(i[4]) ? 0 : undefined);
      const inputs = [x, w];
      if (i[8]) inputs.push(dequantizedBias(i[8], i[1], i[4]));
      const y = freshName(used, `${node.output[0]}_float`);
      out.push(makeNode('Conv', inputs, [y], node.name || freshName(used, 'Conv'), node.attribute));
      q(y, node.output[0], { scale: i[6], zeroPoint: i[7] });
    } else if (node.opType === 'QLinearMatMul') {
      const a = dq(i[0], { scale: i[1], zeroPoint: i[2] });
      const b = dq(i[3], { scale: i[4], zeroPoint: i[5] }, perAxis(i[4]) ? 1 : undefined);
      const y = freshName(used, `${node.output[0]}_float`);
      out.push(makeNode('MatMul', [a, b], [y], node.name || freshName(used, 'MatMul')));
      q(y, node.output[0], { scale: i[6], zeroPoint: i[7] });
    } else {
      const reads = i.filter((n) => quantized.has(n));
      if (reads.length === 0 || node.opType === 'DequantizeLinear') {
        out.push(node);
        continue;
      }
      if (!SAME_AS_INPUT_OPS.has(node.opType) || reads.length !== 1 || i[0] !== reads[0])
        throw new UnsupportedOpError(
          `${node.opType} '${node.name}' reads the quantized tensor '${reads[0]}' directly: only QLinearConv, ` +
            `QLinearMatMul and value-moving ops (${[...SAME_AS_INPUT_OPS].join(', ')}) are converted`,
        );
      const ref = quantized.get(i[0])!;
      node.input = [dq(i[0], ref), ...i.slice(1)];
      const y = freshName(used, `${node.output[0]}_float`);
      const tensor = node.output[0];
      node.output = [y, ...node.output.slice(1)];
      out.push(node);
      q(y, tensor, ref);
    }
  }
  graph.node = out;

  /** QLinearConv's int32 bias is at x scale × w scale, zero point 0 (per output channel). */
  function dequantizedBias(bias: string, xScale: string, wScale: string): string {
    const xs = floats(xScale)[0];
    const ws = floats(wScale);
    const scale = Float32Array.from(ws, (s) => Math.fround(xs * s));
    const scaleName = freshName(used, `${bias}_scale`);
    const zeroName = freshName(used, `${bias}_zero_point`);
    graph.initializer.push(
      makeInitializer(scaleName, 'float32', scale.length > 1 ? [scale.length] : [], scale),
      makeInitializer(
        zeroName,
        'int32',
        scale.length > 1 ? [scale.length] : [],
        new Int32Array(scale.length),
      ),
    );
    return dq(bias, { scale: scaleName, zeroPoint: zeroName }, scale.length > 1 ? 0 : undefined);
  }
}
