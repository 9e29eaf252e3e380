// Issue 13, item 6: the QDQ insertion on a hand-built graph with given ranges (no runtime).
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ValueInfoProtoSchema,
} from '../../onnx/proto/onnx_pb';
import { makeInitializer, makeNode } from './graph';
import { insertStaticQdq } from './static-qdq';

/** A Constant node's value attribute holding one float, as torch.onnx.export writes Clip bounds. */
const scalarValue = (v: number) =>
  create(AttributeProtoSchema, {
    name: 'value',
    type: AttributeProto_AttributeType.TENSOR,
    t: makeInitializer('', 'float32', [], Float32Array.of(v)),
  });

describe('insertStaticQdq', () => {
  it('folds a Clip(0, 6) with Constant-node bounds into the conv output range (ReLU6 from torch)', () => {
    const graph = create(GraphProtoSchema, {
      input: [create(ValueInfoProtoSchema, { name: 'x' })],
      output: [create(ValueInfoProtoSchema, { name: 'y' })],
      initializer: [makeInitializer('w', 'float32', [2, 1, 1, 1], Float32Array.of(0.5, -2))],
      node: [
        makeNode('Conv', ['x', 'w'], ['c'], 'conv'),
        makeNode('Constant', [], ['lo'], 'lo', [scalarValue(0)]),
        makeNode('Constant', [], ['hi'], 'hi', [scalarValue(6)]),
        makeNode('Clip', ['c', 'lo', 'hi'], ['y'], 'relu6'),
      ],
    });
    const ranges = new Map([
      ['x', { min: -1, max: 1 }],
      ['c', { min: -2, max: 2 }],
      ['y', { min: 0, max: 2 }],
    ]);
    const summary = insertStaticQdq(graph, ranges, { perTensor: false });
    expect(summary.removedActivations).toBe(1);
    expect(summary.quantizedNodes).toBe(1);
    expect(summary.floatNodes).toBe(0);
    expect(graph.node.filter((n) => n.opType === 'Clip')).toEqual([]);
    const conv = graph.node.find((n) => n.opType === 'Conv')!;
    // The conv writes the Clip's range [0, 2]: scale 2/255, zero point -128; y comes out of the DQ.
    const q = graph.node.find((n) => n.opType === 'QuantizeLinear' && n.input[0] === conv.output[0])!;
    const zp = graph.initializer.find((t) => t.name === q.input[2])!;
    expect(new Int8Array(zp.rawData.slice().buffer)[0]).toBe(-128);
    const scale = graph.initializer.find((t) => t.name === q.input[1])!;
    expect(new Float32Array(scale.rawData.slice().buffer)[0]).toBe(Math.fround(2 / 255));
    expect(graph.node.find((n) => n.output.includes('y'))!.opType).toBe('DequantizeLinear');
    expect(graph.node.filter((n) => n.opType === 'Constant')).toEqual([]);
    // Weights: int8 per output channel, each channel's largest |w| at ±127.
    const wdq = graph.node.find((n) => n.output[0] === conv.input[1])!;
    const w = graph.initializer.find((t) => t.name === wdq.input[0])!;
    expect(Array.from(new Int8Array(w.rawData.slice().buffer))).toEqual([127, -127]);
  });
});
