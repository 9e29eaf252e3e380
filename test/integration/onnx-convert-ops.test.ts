// Issue 13, item 4: each op converter and its attribute combinations, on small ONNX graphs built
// in code. External truth: onnxruntime-node runs the ONNX graph; Lowbit's interpreter runs the
// converted model on the same seeded inputs; outputs agree within 1e-4 of the output's range.
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convertOnnxToTflite, type IoLayout } from '../../main/engine/convert/index';
import { Interpreter } from '../../main/engine/interpreter';
import { parseOnnx } from '../../main/engine/onnx/reader';
import { onnxModel, type OnnxAttr, type OnnxModelSpec, type OnnxNodeSpec } from '../support/onnx-build';
import { relativeToRange } from '../support/onnx-fixtures';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}
const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const init = (dims: number[], seed: number) => ({ dims, data: values(size(dims), seed) });

interface Case {
  name: string;
  input: number[];
  nodes: OnnxNodeSpec[];
  initializers?: OnnxModelSpec['initializers'];
  opset?: number;
  /** TFLite operators expected (in order), to pin down which lowering ran. */
  ops?: string[];
}

const one = (op: string, attrs: Record<string, OnnxAttr> = {}, extra: string[] = []): OnnxNodeSpec => ({
  op,
  inputs: ['x', ...extra],
  outputs: ['y'],
  attrs,
});
const k = (ints: number[]) => ({ ints });

const CASES: Case[] = [
  {
    name: 'Conv 3x3 stride 1 pads 1 (SAME)',
    input: [1, 3, 9, 9],
    nodes: [one('Conv', { pads: k([1, 1, 1, 1]) }, ['w', 'b'])],
    initializers: { w: init([5, 3, 3, 3], 1), b: init([5], 2) },
    ops: ['TRANSPOSE', 'CONV_2D', 'TRANSPOSE'],
  },
  {
    name: 'Conv 3x3 stride 2 pads 1 (explicit PAD)',
    input: [1, 3, 10, 10],
    nodes: [one('Conv', { pads: k([1, 1, 1, 1]), strides: k([2, 2]) }, ['w'])],
    initializers: { w: init([4, 3, 3, 3], 3) },
    ops: ['TRANSPOSE', 'PAD', 'CONV_2D', 'TRANSPOSE'],
  },
  {
    name: 'Conv dilated, asymmetric pads',
    input: [1, 2, 11, 9],
    nodes: [one('Conv', { pads: k([0, 2, 3, 1]), dilations: k([2, 1]) }, ['w', 'b'])],
    initializers: { w: init([3, 2, 3, 2], 4), b: init([3], 5) },
  },
  {
    name: 'Conv auto_pad SAME_UPPER stride 2',
    input: [1, 2, 7, 8],
    nodes: [one('Conv', { auto_pad: { s: 'SAME_UPPER' }, strides: k([2, 2]) }, ['w'])],
    initializers: { w: init([2, 2, 3, 3], 6) },
  },
  {
    name: 'Conv depthwise, multiplier 2',
    input: [1, 3, 8, 8],
    nodes: [one('Conv', { group: { i: 3 }, pads: k([1, 1, 1, 1]) }, ['w', 'b'])],
    initializers: { w: init([6, 1, 3, 3], 7), b: init([6], 8) },
    ops: ['TRANSPOSE', 'DEPTHWISE_CONV_2D', 'TRANSPOSE'],
  },
  {
    name: 'Conv grouped (4 → 6, group 2)',
    input: [1, 4, 6, 6],
    nodes: [one('Conv', { group: { i: 2 } }, ['w', 'b'])],
    initializers: { w: init([6, 2, 3, 3], 9), b: init([6], 10) },
    ops: ['TRANSPOSE', 'SPLIT', 'CONV_2D', 'CONV_2D', 'CONCATENATION', 'TRANSPOSE'],
  },
  {
    name: 'Conv 1-D with pads and stride (as 2-D over [1, L], RESHAPEs only)',
    input: [1, 4, 16],
    nodes: [one('Conv', { pads: k([2, 1]), strides: k([2]), dilations: k([1]) }, ['w', 'b'])],
    initializers: { w: init([6, 4, 3], 30), b: init([6], 31) },
    ops: ['TRANSPOSE', 'RESHAPE', 'PAD', 'CONV_2D', 'RESHAPE', 'TRANSPOSE'],
  },
  {
    name: 'Conv 1-D depthwise → Relu → MaxPool 1-D → AveragePool 1-D (keyword-spotting shape)',
    input: [1, 3, 20],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { group: { i: 3 }, pads: k([1, 1]) } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: k([2]), strides: k([2]) } },
      {
        op: 'AveragePool',
        inputs: ['p'],
        outputs: ['y'],
        attrs: { kernel_shape: k([3]), pads: k([1, 1]), count_include_pad: { i: 1 } },
      },
    ],
    initializers: { w: init([3, 1, 3], 32) },
  },
  {
    name: 'BatchNormalization not after a conv (MUL + ADD)',
    input: [1, 3, 4, 4],
    nodes: [
      {
        op: 'BatchNormalization',
        inputs: ['x', 'g', 'bb', 'm', 'v'],
        outputs: ['y'],
        attrs: { epsilon: { f: 1e-3 } },
      },
    ],
    initializers: {
      g: init([3], 11),
      bb: init([3], 12),
      m: init([3], 13),
      v: { dims: [3], data: Float32Array.of(0.5, 1, 2) },
    },
  },
  { name: 'Relu', input: [1, 2, 3, 4], nodes: [one('Relu')], ops: ['RELU'] },
  {
    name: 'Clip 0..6 (opset 13 inputs)',
    input: [2, 5],
    nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }],
    initializers: {
      lo: { dims: [], data: Float32Array.of(0) },
      hi: { dims: [], data: Float32Array.of(0.5) },
    },
  },
  {
    name: 'Clip 0..6 attributes (opset 6)',
    input: [1, 8],
    opset: 6,
    nodes: [one('Clip', { min: { f: 0 }, max: { f: 6 } })],
    ops: ['RELU6'],
  },
  {
    name: 'Add with a per-channel constant',
    input: [1, 3, 4, 5],
    nodes: [one('Add', {}, ['c'])],
    initializers: { c: init([3, 1, 1], 14) },
  },
  {
    name: 'Gemm transB, alpha, beta, bias [1,N]',
    input: [2, 6],
    nodes: [one('Gemm', { transB: { i: 1 }, alpha: { f: 0.5 }, beta: { f: 2 } }, ['w', 'c'])],
    initializers: { w: init([4, 6], 15), c: init([1, 4], 16) },
    ops: ['FULLY_CONNECTED'],
  },
  {
    name: 'Gemm without transB',
    input: [1, 5],
    nodes: [one('Gemm', {}, ['w', 'c'])],
    initializers: { w: init([5, 3], 17), c: init([3], 18) },
  },
  {
    name: 'MatMul rank 3 by a constant',
    input: [1, 4, 6],
    nodes: [one('MatMul', {}, ['w'])],
    initializers: { w: init([6, 3], 19) },
    ops: ['FULLY_CONNECTED'],
  },
  {
    name: 'MaxPool 3x3 stride 2 pads 1 (PADV2)',
    input: [1, 2, 10, 10],
    nodes: [one('MaxPool', { kernel_shape: k([3, 3]), strides: k([2, 2]), pads: k([1, 1, 1, 1]) })],
    ops: ['TRANSPOSE', 'PADV2', 'MAX_POOL_2D', 'TRANSPOSE'],
  },
  {
    name: 'MaxPool after a ReLU pads with zeros (PAD, which Arm NN runs)',
    input: [1, 2, 10, 10],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'] },
      {
        op: 'MaxPool',
        inputs: ['r'],
        outputs: ['y'],
        attrs: { kernel_shape: k([3, 3]), strides: k([2, 2]), pads: k([1, 1, 1, 1]) },
      },
    ],
    ops: ['TRANSPOSE', 'RELU', 'PAD', 'MAX_POOL_2D', 'TRANSPOSE'],
  },
  {
    name: 'MaxPool ceil_mode',
    input: [1, 2, 8, 8],
    nodes: [one('MaxPool', { kernel_shape: k([3, 3]), strides: k([2, 2]), ceil_mode: { i: 1 } })],
  },
  {
    name: 'AveragePool SAME, count_include_pad 0',
    input: [1, 3, 7, 7],
    nodes: [one('AveragePool', { kernel_shape: k([3, 3]), pads: k([1, 1, 1, 1]) })],
    ops: ['TRANSPOSE', 'AVERAGE_POOL_2D', 'TRANSPOSE'],
  },
  {
    name: 'AveragePool count_include_pad 1',
    input: [1, 3, 7, 7],
    nodes: [
      one('AveragePool', {
        kernel_shape: k([3, 3]),
        strides: k([2, 2]),
        pads: k([1, 1, 1, 1]),
        count_include_pad: { i: 1 },
      }),
    ],
  },
  {
    name: 'GlobalAveragePool → Flatten → Gemm (no TRANSPOSE inside)',
    input: [1, 4, 5, 5],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['p'] },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'w', 'c'], outputs: ['y'], attrs: { transB: { i: 1 } } },
    ],
    initializers: { w: init([3, 4], 20), c: init([3], 21) },
    ops: ['TRANSPOSE', 'MEAN', 'RESHAPE', 'FULLY_CONNECTED'],
  },
  {
    name: 'Conv → Flatten (channel-last features need ONNX order)',
    input: [1, 2, 4, 4],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
      { op: 'Flatten', inputs: ['c'], outputs: ['y'] },
    ],
    initializers: { w: init([3, 2, 1, 1], 22) },
  },
  {
    name: 'Conv → Relu → Flatten → Gemm: weights permuted, no TRANSPOSE inside',
    input: [2, 3, 5, 4],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { pads: k([1, 1, 1, 1]) } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'Flatten', inputs: ['r'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'g', 'gb'], outputs: ['y'], attrs: { transB: { i: 1 } } },
    ],
    initializers: { w: init([4, 3, 3, 3], 33), g: init([6, 80], 34), gb: init([6], 35) },
    ops: ['TRANSPOSE', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED'],
  },
  {
    name: 'Conv → Flatten → two MatMuls: both take permuted weights',
    input: [1, 2, 3, 3],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
      { op: 'Flatten', inputs: ['c'], outputs: ['f'] },
      { op: 'MatMul', inputs: ['f', 'm1'], outputs: ['a'] },
      { op: 'MatMul', inputs: ['f', 'm2'], outputs: ['b'] },
      { op: 'Add', inputs: ['a', 'b'], outputs: ['y'] },
    ],
    initializers: { w: init([5, 2, 2, 2], 36), m1: init([20, 3], 37), m2: init([20, 3], 38) },
    ops: ['TRANSPOSE', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'ADD'],
  },
  {
    name: 'Reshape with 0 and -1',
    input: [1, 6, 4],
    nodes: [one('Reshape', {}, ['s'])],
    initializers: { s: { dims: [3], data: BigInt64Array.of(0n, -1n, 3n) } },
  },
  {
    name: 'Concat on channels of two convolutions',
    input: [1, 2, 5, 5],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1'], outputs: ['a'] },
      { op: 'Conv', inputs: ['x', 'w2'], outputs: ['b'], attrs: { pads: k([1, 1, 1, 1]) } },
      { op: 'Concat', inputs: ['a', 'b'], outputs: ['y'], attrs: { axis: { i: 1 } } },
    ],
    initializers: { w1: init([3, 2, 1, 1], 23), w2: init([2, 2, 3, 3], 24) },
  },
  { name: 'Softmax over the last axis', input: [2, 7], nodes: [one('Softmax')], ops: ['SOFTMAX'] },
  {
    name: 'Softmax over channels of a convolution',
    input: [1, 2, 3, 3],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
      { op: 'Softmax', inputs: ['c'], outputs: ['y'], attrs: { axis: { i: 1 } } },
    ],
    initializers: { w: init([4, 2, 1, 1], 25) },
  },
  {
    name: 'Softmax opset 11 (2-D coercion at axis 1)',
    input: [1, 3, 4],
    opset: 11,
    nodes: [one('Softmax', { axis: { i: 1 } })],
  },
  {
    name: 'Unsqueeze then Squeeze',
    input: [2, 3],
    nodes: [
      { op: 'Unsqueeze', inputs: ['x', 'ax'], outputs: ['u'] },
      { op: 'Squeeze', inputs: ['u', 'ax'], outputs: ['y'] },
    ],
    initializers: { ax: { dims: [1], data: BigInt64Array.of(1n) } },
  },
  {
    name: 'Identity and Dropout',
    input: [1, 5],
    nodes: [
      { op: 'Dropout', inputs: ['x'], outputs: ['d'] },
      { op: 'Identity', inputs: ['d'], outputs: ['i'] },
      { op: 'Relu', inputs: ['i'], outputs: ['y'] },
    ],
    ops: ['RELU'],
  },
];

async function ortRun(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, dims) });
    return new Float32Array(out.y.data as Float32Array);
  } finally {
    await session.release();
  }
}

function lowbitRun(bytes: Uint8Array, x: Float32Array, ioLayout: IoLayout = 'nchw') {
  const { model, report } = convertOnnxToTflite(parseOnnx(bytes, 'case.onnx'), { ioLayout });
  const interp = Interpreter.create(model);
  interp.setInput(0, x);
  interp.invoke();
  return { y: interp.output(0).data as Float32Array, report };
}

describe('ONNX → TFLite, op by op, against onnxruntime-node (issue 13)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const bytes = onnxModel({
        inputs: { x: c.input },
        outputs: ['y'],
        nodes: c.nodes,
        ...(c.initializers ? { initializers: c.initializers } : {}),
        ...(c.opset ? { opset: c.opset } : {}),
      });
      const x = values(size(c.input), 100 + c.name.length);
      const expected = await ortRun(bytes, x, c.input);
      const { y, report } = lowbitRun(bytes, x);
      expect(y.length).toBe(expected.length);
      expect(relativeToRange(y, expected)).toBeLessThan(1e-4);
      if (c.ops) {
        const emitted = Object.entries(report.tfliteOps).flatMap(([op, n]) => Array<string>(n).fill(op));
        expect(emitted.sort()).toEqual([...c.ops].sort());
      }
    });
  }
});
