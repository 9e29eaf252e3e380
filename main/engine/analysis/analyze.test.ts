// Issue 17, item 10: the analysis of a small model whose every figure is worked out by hand.
import { describe, expect, it } from 'vitest';
import { buildSequentialModel } from '../tflite/build';
import { BuiltinOperator, OperatorCodeT } from '../tflite/generated/tflite';
import { Interpreter } from '../interpreter/interpreter';
import { analyzeModel } from './analyze';
import { opMacs } from './macs';

const f32 = (n: number) => new Float32Array(n).fill(0.01);

// [1,8,8,3] → conv 3×3 SAME stride 1 to 4 → [1,8,8,4] → depthwise 3×3 stride 2 → [1,4,4,4]
// → flatten [1,64] → dense 10 → softmax.
const model = () =>
  buildSequentialModel({
    inputShape: [1, 8, 8, 3],
    layers: [
      { type: 'conv2d', filterShape: [4, 3, 3, 3], filter: f32(108), padding: 'same', activation: 'relu' },
      {
        type: 'depthwise_conv2d',
        filterShape: [1, 3, 3, 4],
        filter: f32(36),
        stride: [2, 2],
        padding: 'same',
      },
      { type: 'flatten' },
      { type: 'dense', units: 10, weights: f32(640) },
      { type: 'softmax' },
    ],
  });

describe('analyzeModel', () => {
  it('counts MACs, parameters and bytes per layer by the rules in macs.ts', () => {
    const a = analyzeModel(model());
    expect(a.layers.map((l) => l.op)).toEqual([
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'RESHAPE',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
    // conv: 8·8·4 outputs × 3·3·3 products; depthwise: 4·4·4 outputs × 3·3; dense: 10 × 64.
    expect(a.layers.map((l) => l.macs)).toEqual([8 * 8 * 4 * 27, 4 * 4 * 4 * 9, 0, 10 * 64, 0]);
    // weights + one bias per output channel; the reshape's int32 shape operand is not a parameter.
    expect(a.layers.map((l) => l.params)).toEqual([108 + 4, 36 + 4, 0, 640 + 10, 0]);
    expect(a.layers.map((l) => l.weightBytes)).toEqual([(108 + 4) * 4, (36 + 4) * 4, 0, 650 * 4, 0]);
    expect(a.layers.map((l) => l.activationBytes)).toEqual([256 * 4, 64 * 4, 64 * 4, 10 * 4, 10 * 4]);
    expect(a.totals).toEqual({
      operators: 5,
      macs: 6912 + 576 + 640,
      uncountedOperators: 0,
      params: 112 + 40 + 650,
      weightBytes: 802 * 4,
      activationBytes: (192 + 256 + 64 + 64 + 10 + 10) * 4,
    });
  });

  it('follows the interpreter plan: live bytes per operator, the arena as the marked peak', () => {
    const m = model();
    const a = analyzeModel(m);
    // Alive at op 0: the input (768 B) and the conv output (1024 B); at op 1: the conv output
    // and the depthwise output (256 B); then 256 + 256; 256 + 40; 40 + 40 (16-byte aligned).
    expect(a.layers.map((l) => l.liveBytes)).toEqual([768 + 1024, 1024 + 256, 256 + 256, 256 + 48, 48 + 48]);
    expect(a.memory.source).toBe('interpreter');
    expect(a.memory.arenaBytes).toBe(Interpreter.create(m).arenaBytes);
    expect(a.memory.arenaBytes).toBe(1792);
    expect(a.memory.peakOperator).toBe(0);
    expect(a.memory.livePeakBytes).toBe(1792);
    expect(a.memory.inputBytes).toBe(768);
    expect(a.memory.outputBytes).toBe(40);
  });

  it('plans from the file when the interpreter cannot prepare a model, and says why', () => {
    const m = model();
    // An operator code the interpreter has no kernel for (CUSTOM "mystery") in place of SOFTMAX.
    const custom = m.operatorCodes.length;
    m.operatorCodes.push(new OperatorCodeT(BuiltinOperator.CUSTOM, 'mystery', 1, BuiltinOperator.CUSTOM));
    m.subgraphs[0]!.operators[4]!.opcodeIndex = custom;
    const a = analyzeModel(m);
    expect(a.memory.source).toBe('file');
    expect(a.memory.note).toMatch(/mystery/);
    expect(a.layers[4]).toMatchObject({ op: 'CUSTOM', customCode: 'mystery', macs: null });
    expect(a.totals.uncountedOperators).toBe(1);
    expect(a.memory.arenaBytes).toBe(1792);
  });
});

describe('opMacs', () => {
  const s = (op: string, inputs: number[][], outputs: number[][], extra = {}) =>
    opMacs({ op, inputs, outputs, inputIsConst: inputs.map((_, i) => i > 0), ...extra });

  it('transposed convolution: each input value spreads over kh·kw·Cout outputs', () => {
    // output_shape operand, filter [Cout=2, 3, 3, Cin=5], input [1,4,4,5]
    expect(s('TRANSPOSE_CONV', [[4], [2, 3, 3, 5], [1, 4, 4, 5]], [[1, 8, 8, 2]])).toBe(16 * 5 * 2 * 9);
  });
  it('batch matmul: output values × the contracted dim, honouring adj_x', () => {
    expect(
      s(
        'BATCH_MATMUL',
        [
          [2, 3, 7],
          [2, 7, 5],
        ],
        [[2, 3, 5]],
      ),
    ).toBe(30 * 7);
    expect(
      s(
        'BATCH_MATMUL',
        [
          [2, 7, 3],
          [2, 7, 5],
        ],
        [[2, 3, 5]],
        { adjX: true },
      ),
    ).toBe(30 * 7);
  });
  it('LSTM: every 2-D weight matrix once per step and batch row', () => {
    // input [T=3, B=1, 4], 4 input-to-gate [5,4], 4 recurrent [5,5] → output [3,1,5]
    const inputs = [[3, 1, 4], ...Array(4).fill([5, 4]), ...Array(4).fill([5, 5])];
    expect(s('UNIDIRECTIONAL_SEQUENCE_LSTM', inputs, [[3, 1, 5]])).toBe(3 * (4 * 20 + 4 * 25));
  });
  it('element-wise ops and pooling count 0, custom ops are unknown', () => {
    expect(
      s(
        'ADD',
        [
          [1, 4],
          [1, 4],
        ],
        [[1, 4]],
      ),
    ).toBe(0);
    expect(s('AVERAGE_POOL_2D', [[1, 4, 4, 8]], [[1, 1, 1, 8]])).toBe(0);
    expect(s('CUSTOM', [[1, 4]], [[1, 4]])).toBeNull();
  });
});
