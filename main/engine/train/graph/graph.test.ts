/**
 * The trainable graph's forward against Lowbit's interpreter (issue 15): on the bundled demo
 * models and on fashion-cnn.onnx converted by Lowbit, the graph's logits for a batch equal the
 * interpreter's SOFTMAX input for each sample bit for bit (the same summation order: gemm.ts).
 * And the graph's backward, end to end in float64, against finite differences of the loss.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../interpreter';
import { convertOnnxToTflite } from '../../convert';
import { parseOnnx } from '../../onnx/reader';
import { readTflite } from '../../tflite/reader';
import type { TflModel } from '../../tflite/model';
import { onnxModel } from '../../../../test/support/onnx-build';
import { opName } from '../../tflite/names';
import { Prng } from '../prng';
import { buildTrainGraph } from './graph';

const ROOT = path.resolve(__dirname, '../../../..');
const demo = (f: string) => readTflite(readFileSync(path.join(ROOT, 'assets/demo', f)));
const onnx = () =>
  convertOnnxToTflite(
    parseOnnx(readFileSync(path.join(ROOT, 'test/fixtures/onnx/fashion-cnn.onnx')), 'fashion-cnn.onnx'),
  ).model;

/** An ONNX graph built in code whose conversion has every other trainable op: LOGISTIC, TANH, MUL, CONCATENATION, PAD, AVERAGE_POOL_2D, RELU, ADD, MEAN. */
function opsModel(): TflModel {
  const f = (n: number, s: number) =>
    Float32Array.from({ length: n }, (_v, i) => Math.sin(i * 1.7 + s) * 0.5);
  const bytes = onnxModel({
    inputs: { x: [1, 2, 6, 6] },
    outputs: ['y'],
    opset: 13,
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'w1', 'b1'],
        outputs: ['c1'],
        attrs: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } },
      },
      { op: 'Sigmoid', inputs: ['c1'], outputs: ['s'] },
      { op: 'Tanh', inputs: ['c1'], outputs: ['t'] },
      { op: 'Mul', inputs: ['s', 't'], outputs: ['m'] },
      { op: 'Concat', inputs: ['m', 'c1'], outputs: ['cat'], attrs: { axis: { i: 1 } } },
      { op: 'Pad', inputs: ['cat', 'pads'], outputs: ['p'] },
      {
        op: 'AveragePool',
        inputs: ['p'],
        outputs: ['ap'],
        attrs: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } },
      },
      { op: 'Relu', inputs: ['ap'], outputs: ['r'] },
      { op: 'Add', inputs: ['r', 'ap'], outputs: ['a2'] },
      {
        op: 'ReduceMean',
        inputs: ['a2'],
        outputs: ['mean'],
        attrs: { axes: { ints: [2, 3] }, keepdims: { i: 0 } },
      },
      { op: 'Gemm', inputs: ['mean', 'w2', 'b2'], outputs: ['logits'], attrs: { transB: { i: 1 } } },
      { op: 'Softmax', inputs: ['logits'], outputs: ['y'], attrs: { axis: { i: 1 } } },
    ],
    initializers: {
      w1: { dims: [4, 2, 3, 3], data: f(72, 1) },
      b1: { dims: [4], data: f(4, 2) },
      pads: { dims: [8], data: BigInt64Array.from([0n, 0n, 1n, 0n, 0n, 0n, 1n, 2n]) },
      w2: { dims: [5, 8], data: f(40, 3) },
      b2: { dims: [5], data: f(5, 4) },
    },
  });
  return convertOnnxToTflite(parseOnnx(bytes, 'ops.onnx'), { ioLayout: 'nhwc' }).model;
}

/** NCHW input with 3 channels: the conversion starts with a TRANSPOSE to channel-last. */
function nchwModel(): TflModel {
  const f = (n: number, s: number) =>
    Float32Array.from({ length: n }, (_v, i) => Math.sin(i * 1.7 + s) * 0.5);
  const bytes = onnxModel({
    inputs: { x: [1, 3, 6, 6] },
    outputs: ['y'],
    opset: 13,
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attrs: { kernel_shape: { ints: [3, 3] } } },
      { op: 'Flatten', inputs: ['c1'], outputs: ['fl'] },
      { op: 'Gemm', inputs: ['fl', 'w2', 'b2'], outputs: ['y'], attrs: { transB: { i: 1 } } },
    ],
    initializers: {
      w1: { dims: [4, 3, 3, 3], data: f(108, 1) },
      b1: { dims: [4], data: f(4, 2) },
      w2: { dims: [5, 64], data: f(320, 3) },
      b2: { dims: [5], data: f(5, 4) },
    },
  });
  return convertOnnxToTflite(parseOnnx(bytes, 'nchw.onnx')).model;
}

const MODELS: [string, () => TflModel][] = [
  ['fashion_cnn.tflite', () => demo('fashion_cnn.tflite')],
  ['fashion_dwcnn.tflite', () => demo('fashion_dwcnn.tflite')],
  ['fashion-cnn.onnx (converted)', onnx],
  ['ops.onnx (built in code, converted)', opsModel],
  ['nchw.onnx (TRANSPOSE first, converted)', nchwModel],
];

function images(seed: number, n: number, size: number): Float32Array {
  const r = new Prng(seed);
  return Float32Array.from({ length: n * size }, () => r.next());
}

function softmax(z: ArrayLike<number>): Float64Array {
  const m = Math.max(...Array.from(z));
  const e = Float64Array.from(z, (v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

describe('trainable graph forward = interpreter (issue 15)', () => {
  // Bit-identical to the reference kernels (double sums in the same order); the default
  // interpreter's float SIMD kernels sum in float32 and agree to float32 rounding.
  it.each(MODELS)('%s: logits bit-identical to the reference interpreter, batch of 5', (_name, load) => {
    const model = load();
    const g = buildTrainGraph(model);
    expect(g.frozen).toEqual([]);
    const n = 5;
    const x = images(1, n, g.inputSize);
    const logits = g.forward(x, n, false).slice(0, n * g.classes);
    const interp = Interpreter.create(model, { reference: true });
    const simd = Interpreter.create(model);
    let compared = 0;
    for (let s = 0; s < n; s++) {
      interp.setInput(0, x.subarray(s * g.inputSize, (s + 1) * g.inputSize));
      let seen: Float32Array | undefined;
      interp.invoke({
        observer: (_k, outs) => {
          for (const t of outs) if (t.index === g.logitsTensor) seen = (t.data as Float32Array).slice();
        },
      });
      expect(seen).toBeDefined();
      const mine = logits.subarray(s * g.classes, (s + 1) * g.classes);
      expect(Array.from(mine)).toEqual(Array.from(seen!));
      compared += seen!.length;
      simd.setInput(0, x.subarray(s * g.inputSize, (s + 1) * g.inputSize));
      simd.invoke();
      const fast = simd.output(0).data as Float32Array;
      // The model's output is the logits or their softmax.
      const outputIsLogits = model.subgraphs[0].outputs[0] === g.logitsTensor;
      const p = outputIsLogits ? Float64Array.from(mine) : softmax(mine);
      for (let c = 0; c < g.classes; c++) expect(Math.abs(fast[c] - p[c])).toBeLessThan(1e-5);
    }
    expect(compared).toBe(n * g.classes);
  });

  it("ops.onnx: every op output equals the reference interpreter's, bit for bit except LOGISTIC/TANH (within 2 float32 ulps)", () => {
    const model = opsModel();
    const sg = model.subgraphs[0]!;
    const names = sg.operators.map((op) => opName(model.operatorCodes[op.opcodeIndex]!));
    expect(names).toEqual([
      'CONV_2D',
      'LOGISTIC',
      'TANH',
      'MUL',
      'CONCATENATION',
      'PAD',
      'AVERAGE_POOL_2D',
      'RELU',
      'ADD',
      'MEAN',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
    const g = buildTrainGraph(model);
    const n = 3;
    const x = images(4, n, g.inputSize);
    g.forward(x, n, false);
    const interp = Interpreter.create(model, { reference: true });
    const worst: Record<string, number> = {};
    for (let s = 0; s < n; s++) {
      interp.setInput(0, x.subarray(s * g.inputSize, (s + 1) * g.inputSize));
      interp.invoke({
        observer: (k, outs) => {
          if (names[k] === 'SOFTMAX') return;
          const t = outs[0]!;
          const want = t.data as Float32Array;
          const got = g.activation(t.index)!.subarray(s * want.length, (s + 1) * want.length);
          for (let i = 0; i < want.length; i++) {
            const ulp = Math.abs(got[i]! - want[i]!) / (Math.abs(want[i]!) * 2 ** -23 || 2 ** -149);
            worst[names[k]!] = Math.max(worst[names[k]!] ?? 0, ulp);
          }
        },
      });
    }
    // Largest difference per op, in float32 ulps of the interpreter's value: none.
    const zero = Object.fromEntries(names.filter((o) => o !== 'SOFTMAX').map((o) => [o, 0]));
    expect(worst).toEqual(zero);
  });

  it('fashion_cnn: parameters are the model weights with their axes, and toModel writes them back', () => {
    const model = demo('fashion_cnn.tflite');
    const g = buildTrainGraph(model);
    expect(g.params.map((p) => [p.opName, p.role, p.shape.join('x'), p.quantAxis])).toEqual([
      ['CONV_2D', 'weight', '12x3x3x1', 0],
      ['CONV_2D', 'bias', '12', -1],
      ['FULLY_CONNECTED', 'weight', '10x2028', 0],
      ['FULLY_CONNECTED', 'bias', '10', -1],
    ]);
    expect(g.classes).toBe(10);
    g.params[2]!.value[7] = 0.5;
    const out = g.toModel();
    const t = out.subgraphs[0]!.tensors[g.params[2]!.tensorIndex]!;
    const w = new Float32Array(out.buffers[t.buffer]!.data.slice().buffer);
    expect(w[7]).toBe(0.5);
    expect(w[8]).toBe(g.params[2]!.value[8]);
  });
});

describe('trainable graph backward, end to end in float64 (issue 15)', () => {
  it.each(MODELS)('%s: dL/dparam matches central differences (rel <= 1e-3)', (_name, load) => {
    const g = buildTrainGraph(load(), { precision: 'float64' });
    const n = 2;
    const x = Float64Array.from(images(2, n, g.inputSize));
    const r = new Prng(5);
    const weights = Float64Array.from({ length: n * g.classes }, () => r.next() - 0.5);
    const loss = () => {
      const z = g.forward(x, n, true);
      let s = 0;
      for (let i = 0; i < n * g.classes; i++) s += z[i]! * weights[i]!;
      return s;
    };
    loss();
    g.zeroGrad();
    g.backward(weights);
    // A difference quotient across a kink (a ReLU input or a max-pool pair within h of a tie)
    // is not a derivative: such a point shows as quotients at h and h/10 that disagree, and is
    // skipped (at most a few); a wrong backward pass disagrees with two quotients that agree.
    const quotient = (p: (typeof g.params)[number], i: number, h: number) => {
      const v = p.value[i]!;
      p.value[i] = v + h;
      const lp = loss();
      p.value[i] = v - h;
      const lm = loss();
      p.value[i] = v;
      return (lp - lm) / (2 * h);
    };
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-6, Math.abs(a) + Math.abs(b));
    let worst = 0;
    let kinks = 0;
    let checked = 0;
    for (const p of g.params) {
      for (const i of [0, Math.floor(p.size / 3), p.size - 1]) {
        const fd = quotient(p, i, 1e-6);
        if (rel(fd, quotient(p, i, 1e-7)) > 1e-4) {
          kinks++;
          continue;
        }
        worst = Math.max(worst, rel(fd, p.grad[i]!));
        checked++;
      }
    }
    expect(kinks).toBeLessThanOrEqual(2);
    expect(checked).toBeGreaterThanOrEqual(3 * g.params.length - 2);
    expect(worst).toBeLessThanOrEqual(1e-3);
  });
});

describe('trainable graph: what it cannot train (issue 15)', () => {
  it('names every op on the way to the loss that has no backward pass', () => {
    const bytes = onnxModel({
      inputs: { x: [1, 1, 4, 4] },
      outputs: ['y'],
      opset: 14,
      nodes: [
        { op: 'HardSwish', inputs: ['x'], outputs: ['h'] },
        { op: 'Flatten', inputs: ['h'], outputs: ['f'] },
        { op: 'Gemm', inputs: ['f', 'w', 'b'], outputs: ['y'], attrs: { transB: { i: 1 } } },
      ],
      initializers: {
        w: { dims: [3, 16], data: new Float32Array(48).fill(0.1) },
        b: { dims: [3], data: new Float32Array(3) },
      },
    });
    const model = convertOnnxToTflite(parseOnnx(bytes, 'hs.onnx')).model;
    expect(() => buildTrainGraph(model)).toThrow(
      /^the loss cannot reach the model's trainable ops: HARD_SWISH \(.*\) has no backward pass$/,
    );
  });

  it('lists ops it is told to freeze, keeps their weights constant and still trains the others', () => {
    const model = demo('fashion_dwcnn.tflite');
    const g = buildTrainGraph(model, {
      freeze: (_i, name) => (name === 'DEPTHWISE_CONV_2D' ? 'kept as it is' : undefined),
    });
    expect(g.frozen).toHaveLength(1);
    expect(g.frozen[0]).toMatch(/^DEPTHWISE_CONV_2D \(.*\): kept as it is$/);
    expect(g.params.map((p) => p.opName)).not.toContain('DEPTHWISE_CONV_2D');
    expect(g.params.map((p) => p.opName)).toContain('CONV_2D');
  });
});
