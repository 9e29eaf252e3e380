import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../main/engine/errors';
import { Interpreter } from '../../main/engine/interpreter';
import { buildSequentialModel } from '../../main/engine/tflite/build';
import { BuiltinOperator } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';

function run(bytes: Uint8Array, input: number[]): number[] {
  const interp = Interpreter.create(readTflite(bytes));
  interp.setInput(0, Float32Array.from(input));
  interp.invoke();
  return Array.from(interp.output(0).data as Float32Array);
}

describe('buildSequentialModel', () => {
  it('conv -> maxpool -> flatten -> dense -> softmax gives the hand-computed outputs', () => {
    const model = buildSequentialModel({
      inputShape: [1, 3, 3, 1],
      layers: [
        // out(y,x) = in(y,x) + 2*in(y+1,x+1) + 0.5 over a VALID 2x2 window: 11.5 14.5 / 20.5 23.5
        {
          type: 'conv2d',
          filterShape: [1, 2, 2, 1],
          filter: Float32Array.of(1, 0, 0, 2),
          bias: Float32Array.of(0.5),
          activation: 'relu',
        },
        { type: 'max_pool2d', size: [2, 2] },
        { type: 'flatten' },
        // logits [2.35, -2.35]
        { type: 'dense', units: 2, weights: Float32Array.of(0.1, -0.1), bias: Float32Array.of(0, 0) },
        { type: 'softmax' },
      ],
    });
    const bytes = writeTflite(model);
    const out = run(bytes, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const p0 = 1 / (1 + Math.exp(-4.7));
    expect(out[0]).toBeCloseTo(p0, 6);
    expect(out[1]).toBeCloseTo(1 - p0, 6);

    const back = readTflite(bytes);
    const sg = back.subgraphs[0];
    expect(back.operatorCodes.map((c) => [c.builtinCode, c.deprecatedBuiltinCode, c.version])).toEqual([
      [BuiltinOperator.CONV_2D, 3, 1],
      [BuiltinOperator.MAX_POOL_2D, 17, 1],
      [BuiltinOperator.RESHAPE, 22, 1],
      [BuiltinOperator.FULLY_CONNECTED, 9, 1],
      [BuiltinOperator.SOFTMAX, 25, 1],
    ]);
    expect(sg.operators.map((o) => sg.tensors[o.outputs[0]].shape)).toEqual([
      [1, 2, 2, 1],
      [1, 1, 1, 1],
      [1, 1],
      [1, 2],
      [1, 2],
    ]);
  });

  it('a relu on the conv clamps negative sums to zero', () => {
    const model = buildSequentialModel({
      inputShape: [1, 2, 2, 1],
      layers: [
        {
          type: 'conv2d',
          filterShape: [2, 1, 1, 1],
          filter: Float32Array.of(1, -1),
          bias: Float32Array.of(0, 0.25),
          activation: 'relu',
        },
      ],
    });
    expect(run(writeTflite(model), [1, 2, 3, 4])).toEqual([1, 0, 2, 0, 3, 0, 4, 0]);
  });

  it('depthwise conv with multiplier 1 and SAME padding', () => {
    // Channel 0 filter: all ones (window sum); channel 1: picks the top-left tap only.
    const model = buildSequentialModel({
      inputShape: [1, 2, 2, 2],
      layers: [
        {
          type: 'depthwise_conv2d',
          filterShape: [1, 2, 2, 2],
          filter: Float32Array.of(1, 1, 1, 0, 1, 0, 1, 0),
          bias: Float32Array.of(0, 10),
          padding: 'same',
        },
      ],
    });
    // NHWC input: pixel (y,x) = [a, b]
    const input = [1, 10, 2, 20, 3, 30, 4, 40];
    // SAME with a 2x2 window pads bottom/right: (0,0) sees all four pixels, (0,1) sees x=1 column...
    expect(run(writeTflite(model), input)).toEqual([10, 20, 6, 30, 7, 40, 4, 50]);
  });

  it('refuses weights that do not fit the input', () => {
    expect(() =>
      buildSequentialModel({
        inputShape: [1, 4, 4, 1],
        layers: [{ type: 'conv2d', filterShape: [1, 3, 3, 2], filter: new Float32Array(18) }],
      }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      buildSequentialModel({
        inputShape: [1, 4],
        layers: [{ type: 'dense', units: 2, weights: new Float32Array(7) }],
      }),
    ).toThrow(/weights has 7 values, expected 8/);
  });
});
