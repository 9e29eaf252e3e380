// Issue 13, item 4: the converter's structure: every unsupported node listed at once, dynamic
// dims, constant folding, the layout pass and its report. Values are checked against ONNX
// Runtime in test/integration/onnx-convert-*.test.ts.
import { describe, expect, it } from 'vitest';
import { onnxModel, type OnnxNodeSpec } from '../../../test/support/onnx-build';
import { LowbitError } from '../errors';
import { BuiltinOperator } from '../tflite/generated/tflite';
import { parseOnnx } from '../onnx/reader';
import { convertOnnxToTflite, type ConvertOptions } from './index';

const convertBytes = (bytes: Uint8Array, options?: ConvertOptions) =>
  convertOnnxToTflite(parseOnnx(bytes, 'test.onnx'), options);

const conv = (input: string, output: string, name?: string): OnnxNodeSpec => ({
  op: 'Conv',
  inputs: [input, 'w', 'b'],
  outputs: [output],
  attrs: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } },
  ...(name ? { name } : {}),
});
const weights = {
  w: { dims: [4, 3, 3, 3], data: Float32Array.from({ length: 108 }, (_, i) => Math.sin(i)) },
  b: { dims: [4], data: Float32Array.of(0.1, 0.2, 0.3, 0.4) },
};

function errorOf(f: () => unknown): LowbitError {
  try {
    f();
  } catch (e) {
    if (e instanceof LowbitError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const opNames = (r: ReturnType<typeof convertOnnxToTflite>) =>
  r.model.subgraphs[0].operators.map(
    (o) => BuiltinOperator[r.model.operatorCodes[o.opcodeIndex].builtinCode],
  );

describe('convert ONNX → TFLite (issue 13)', () => {
  it('lists every unsupported node at once: op type, node name and index', () => {
    const bytes = onnxModel({
      inputs: { x: [1, 3, 8, 8] },
      outputs: ['z'],
      nodes: [
        conv('x', 'y'),
        { op: 'Einsum', name: 'mix', inputs: ['y'], outputs: ['y2'] },
        { op: 'Relu', inputs: ['y2'], outputs: ['y3'] },
        { op: 'Frobnicate', name: 'custom', domain: 'com.example', inputs: ['y3'], outputs: ['z'] },
      ],
      initializers: weights,
    });
    const e = errorOf(() => convertBytes(bytes));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain('2 node(s) unsupported (Einsum, Frobnicate)');
    expect(e.message).toContain('node 1 "mix" (Einsum): no converter for this op');
    expect(e.message).toContain('node 3 "custom" (Frobnicate): domain "com.example" is not supported');
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('lists attribute combinations it cannot convert from every node, after walking the whole graph', () => {
    const bytes = onnxModel({
      inputs: { x: [1, 3, 8, 8] },
      outputs: ['z'],
      nodes: [
        {
          op: 'AveragePool',
          name: 'p1',
          inputs: ['x'],
          outputs: ['y'],
          attrs: { kernel_shape: { ints: [2, 2] }, dilations: { ints: [2, 2] } },
        },
        { op: 'Gemm', name: 'g', inputs: ['x', 'x'], outputs: ['z'] },
      ],
    });
    const e = errorOf(() => convertBytes(bytes));
    expect(e.message).toContain('node 0 "p1" (AveragePool): dilated average pooling');
    expect(e.message).toContain('node 1 "g" (Gemm): B (input 1) must be a constant');
  });

  it('batch dims become 1; another dynamic dim needs its shape, and the error says so', () => {
    const spec = {
      inputs: { x: ['batch', 3, 'height', 8] },
      outputs: ['y'],
      nodes: [conv('x', 'y')],
      initializers: weights,
    };
    const e = errorOf(() => convertBytes(onnxModel(spec)));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.option).toBe('inputShape');
    expect(e.message).toBe('input "x" has a dynamic dim 2 ("height"): give its shape, e.g. x=1,3,N,8');
    const r = convertBytes(onnxModel(spec), { inputShapes: { x: [1, 3, 6, 8] } });
    expect(r.report.inputs).toEqual([{ name: 'x', shape: [1, 3, 6, 8], layout: 'nchw' }]);
    expect(r.report.outputs).toEqual([{ name: 'y', shape: [1, 4, 6, 8], layout: 'nchw' }]);
    const bad = errorOf(() => convertBytes(onnxModel(spec), { inputShapes: { nope: [1] } }));
    expect(bad.message).toContain('the model has no input "nope"');
  });

  it('folds Shape → Gather → Unsqueeze → Concat → Cast chains into a constant reshape', () => {
    const bytes = onnxModel({
      inputs: { x: [1, 3, 4, 4] },
      outputs: ['y'],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: { i: 0 } } },
        { op: 'Unsqueeze', inputs: ['n', 'axes0'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attrs: { axis: { i: 0 } } },
        { op: 'Cast', inputs: ['shape'], outputs: ['shape64'], attrs: { to: { i: 7 } } },
        { op: 'Reshape', inputs: ['x', 'shape64'], outputs: ['y'] },
      ],
      initializers: {
        zero: { dims: [], data: BigInt64Array.of(0n) },
        axes0: { dims: [1], data: BigInt64Array.of(0n) },
        minus1: { dims: [1], data: BigInt64Array.of(-1n) },
      },
    });
    const r = convertBytes(bytes);
    expect(opNames(r)).toEqual(['RESHAPE']);
    expect(r.report.outputs[0].shape).toEqual([1, 48]);
    expect(r.report.nodes.slice(0, 5).map((n) => n.note)).toEqual([
      'no operator needed',
      'folded to a constant',
      'folded to a constant',
      'folded to a constant',
      'folded to a constant',
    ]);
  });

  it('keeps convolutions channel-last: BatchNormalization and Relu fold into CONV_2D, no TRANSPOSE inside', () => {
    const c = 4;
    const stats = (v: number) => ({ dims: [c], data: new Float32Array(c).fill(v) });
    const bytes = onnxModel({
      inputs: { x: [1, 3, 8, 8] },
      outputs: ['z'],
      nodes: [
        conv('x', 'y', 'conv'),
        { op: 'BatchNormalization', inputs: ['y', 'g', 'beta', 'mean', 'var'], outputs: ['yb'] },
        { op: 'Relu', inputs: ['yb'], outputs: ['yr'] },
        { op: 'Add', inputs: ['yr', 'yr'], outputs: ['z'] },
      ],
      initializers: { ...weights, g: stats(2), beta: stats(1), mean: stats(0.5), var: stats(3) },
    });
    const r = convertBytes(bytes);
    // The NCHW input with 3 channels needs one TRANSPOSE at the boundary and one back at the output.
    expect(opNames(r)).toEqual(['TRANSPOSE', 'CONV_2D', 'ADD', 'TRANSPOSE']);
    expect(r.report.insideTransposes).toBe(0);
    expect(r.report.nodes[1].note).toBe('folded into CONV_2D of node 0');
    expect(r.report.nodes[2].note).toBe('fused into CONV_2D of node 0');
    const nhwc = convertBytes(bytes, { ioLayout: 'nhwc' });
    expect(opNames(nhwc)).toEqual(['CONV_2D', 'ADD']);
    expect(nhwc.report.inputs[0].shape).toEqual([1, 8, 8, 3]);
    expect(nhwc.report.outputs[0].shape).toEqual([1, 8, 8, 4]);
  });

  it('a Flatten of channel-last features needs ONNX order: an explicit TRANSPOSE, reported', () => {
    const bytes = onnxModel({
      inputs: { x: [1, 3, 8, 8] },
      outputs: ['f'],
      nodes: [conv('x', 'y'), { op: 'Flatten', name: 'flat', inputs: ['y'], outputs: ['f'] }],
      initializers: weights,
    });
    const r = convertBytes(bytes, { ioLayout: 'nhwc' });
    expect(opNames(r)).toEqual(['CONV_2D', 'TRANSPOSE', 'RESHAPE']);
    expect(r.report.insideTransposes).toBe(1);
    expect(r.report.transposes).toEqual([
      { node: 1, reason: 'node 1 "flat" (Flatten) needs its input in ONNX (channel-first) order' },
    ]);
  });

  it('a malformed attribute or constant is a one-line MODEL_FORMAT error naming the node', () => {
    const cases: [OnnxNodeSpec, string][] = [
      [
        { ...conv('x', 'y', 'c0'), attrs: { strides: { ints: [0, 1] } } },
        'node 0 "c0" (Conv): strides [0,1] must be 2 positive integers',
      ],
      [
        { ...conv('x', 'y', 'c0'), attrs: { pads: { ints: [1, -1, 1, 1] } } },
        'node 0 "c0" (Conv): pads [1,-1,1,1] must be 4 non-negative integers',
      ],
    ];
    for (const [node, message] of cases) {
      const e = errorOf(() =>
        convertBytes(
          onnxModel({ inputs: { x: [1, 3, 8, 8] }, outputs: ['y'], nodes: [node], initializers: weights }),
        ),
      );
      expect(e.code).toBe('MODEL_FORMAT');
      expect(e.message).toBe(message);
    }
    const gather = onnxModel({
      inputs: { x: [1, 4] },
      outputs: ['y'],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', name: 'g', inputs: ['s', 'nine'], outputs: ['n'] },
        { op: 'Reshape', inputs: ['x', 'n'], outputs: ['y'] },
      ],
      initializers: { nine: { dims: [1], data: BigInt64Array.of(9n) } },
    });
    const e = errorOf(() => convertBytes(gather));
    expect(e.code).toBe('MODEL_FORMAT');
    expect(e.message).toBe('node 1 "g" (Gather): Gather index out of range [0, 2)');
  });
});
