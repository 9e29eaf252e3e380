import { describe, expect, it } from 'vitest';
import { UnsupportedOpError, ShapeMismatchError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import { kernel as conv2d } from './conv_2d';

const SAME = 0;
const VALID = 1;
const opts = (o: Record<string, number>) => ({
  padding: VALID,
  strideW: 1,
  strideH: 1,
  dilationWFactor: 1,
  dilationHFactor: 1,
  fusedActivationFunction: 0,
  ...o,
});
const q = quantParams;
const seq = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

function conv(
  options: any,
  input: TensorSpec,
  filter: TensorSpec,
  bias: TensorSpec | null,
  output: TensorSpec,
) {
  const r = runKernel(conv2d, { op: 'CONV_2D', options, inputs: [input, filter, bias], outputs: [output] });
  return { shape: r.outputs[0].shape, data: Array.from(r.outputs[0].data as Float32Array) };
}

describe('CONV_2D float32', () => {
  it('VALID 2x2 filter over 3x3 with bias (hand-computed)', () => {
    const r = conv(
      opts({}),
      { dtype: 'float32', shape: [1, 3, 3, 1], data: seq(9) },
      { dtype: 'float32', shape: [1, 2, 2, 1], data: [1, 2, 3, 4] },
      { dtype: 'float32', shape: [1], data: [1] },
      { dtype: 'float32', shape: [] },
    );
    expect(r.shape).toEqual([1, 2, 2, 1]);
    // 1*1+2*2+4*3+5*4 + 1 = 38, then shifted windows
    expect(r.data).toEqual([38, 48, 68, 78]);
  });

  it('SAME stride 2 puts the odd padding after the image (TFLite offset)', () => {
    const r = conv(
      opts({ padding: SAME, strideW: 2, strideH: 2 }),
      { dtype: 'float32', shape: [1, 4, 4, 1], data: seq(16) },
      { dtype: 'float32', shape: [1, 3, 3, 1], data: new Array(9).fill(1) },
      null,
      { dtype: 'float32', shape: [] },
    );
    expect(r.shape).toEqual([1, 2, 2, 1]);
    // total padding 1 -> 0 before, 1 after: window (0,0) covers rows/cols 0..2
    expect(r.data).toEqual([54, 45, 72, 54]);
  });

  it('dilation 2 samples every other pixel', () => {
    const r = conv(
      opts({ dilationWFactor: 2, dilationHFactor: 2 }),
      { dtype: 'float32', shape: [1, 5, 5, 1], data: seq(25, 0) },
      { dtype: 'float32', shape: [1, 2, 2, 1], data: [1, 0, 0, 1] },
      null,
      { dtype: 'float32', shape: [] },
    );
    expect(r.shape).toEqual([1, 3, 3, 1]);
    // out(y, x) = in(y, x) + in(y + 2, x + 2) = 10y + 2x + 12
    expect(r.data).toEqual([12, 14, 16, 22, 24, 26, 32, 34, 36]);
  });

  it('multi-channel 1x1 with RELU6 clamp and grouped weights', () => {
    const r = conv(
      opts({ fusedActivationFunction: 3 }),
      { dtype: 'float32', shape: [1, 1, 1, 2], data: [2, -3] },
      { dtype: 'float32', shape: [3, 1, 1, 2], data: [1, 1, 5, 0, 0, -1] },
      null,
      { dtype: 'float32', shape: [] },
    );
    expect(r.data).toEqual([0, 6, 3]);
    // groups = 2: weights depth 1, two output channels each reading its own input channel
    const g = conv(
      opts({}),
      { dtype: 'float32', shape: [1, 1, 1, 2], data: [2, -3] },
      { dtype: 'float32', shape: [2, 1, 1, 1], data: [10, 100] },
      null,
      { dtype: 'float32', shape: [] },
    );
    expect(g.data).toEqual([20, -300]);
  });
});

describe('CONV_2D int8 per-channel', () => {
  const input = { dtype: 'int8' as const, shape: [1, 1, 1, 2], data: [3, -5], quant: q(0.5, -1) };
  const filter = {
    dtype: 'int8' as const,
    shape: [2, 1, 1, 2],
    data: [2, 1, -4, 3],
    quant: q([0.25, 0.1], [0, 0], 0),
  };
  const bias = { dtype: 'int32' as const, shape: [2], data: [8, -10] };
  it('requantizes each channel with its own multiplier', () => {
    const r = conv(opts({}), input, filter, bias, { dtype: 'int8', shape: [], quant: q(0.25, 3) });
    // ch0: (2*4 + 1*-4 + 8) * 0.5 + 3 = 9; ch1: (-16 - 12 - 10) * 0.2 = -7.6 -> -8, + 3 = -5
    expect(r.data).toEqual([9, -5]);
  });
  it('RELU clamps at the output zero point', () => {
    const r = conv(opts({ fusedActivationFunction: 1 }), input, filter, bias, {
      dtype: 'int8',
      shape: [],
      quant: q(0.25, 3),
    });
    expect(r.data).toEqual([9, 3]);
  });
  it('refuses asymmetric int8 weights and mismatched channel scales in prepare', () => {
    expect(() =>
      conv(opts({}), input, { ...filter, quant: q([0.25, 0.1], [1, 0]) }, bias, {
        dtype: 'int8',
        shape: [],
        quant: q(0.25, 3),
      }),
    ).toThrow(UnsupportedOpError);
    expect(() =>
      conv(opts({}), input, { ...filter, quant: q([0.25, 0.1, 0.2], [0, 0, 0]) }, bias, {
        dtype: 'int8',
        shape: [],
        quant: q(0.25, 3),
      }),
    ).toThrow(ShapeMismatchError);
  });
});

describe('CONV_2D 16x8, uint8, errors', () => {
  it('int16 activations with an int64 bias', () => {
    const r = conv(
      opts({}),
      { dtype: 'int16', shape: [1, 1, 1, 2], data: [1000, -2000], quant: q(0.001) },
      { dtype: 'int8', shape: [2, 1, 1, 2], data: [100, 50, 1, 0], quant: q([0.01, 0.02], [0, 0]) },
      { dtype: 'int64', shape: [2], data: [500000, 0] },
      { dtype: 'int16', shape: [], quant: q(0.002) },
    );
    // ch0: (100000 - 100000 + 500000) * 0.005 = 2500; ch1: 1000 * (0.001*0.02/0.002 = 0.01) = 10
    expect(r.data).toEqual([2500, 10]);
  });

  it('16x8: the bias dtype picks the accumulator (int64: Q15-reduced multiplier; int32: Q31)', () => {
    const run = (biasDtype: 'int64' | 'int32') =>
      conv(
        opts({}),
        { dtype: 'int16', shape: [1, 1, 1, 1], data: [1000], quant: q(0.001) },
        { dtype: 'int8', shape: [1, 1, 1, 1], data: [64], quant: q(0.01) },
        { dtype: biasDtype, shape: [1], data: [500] },
        { dtype: 'int16', shape: [], quant: q(0.01) },
      ).data;
    // real result 64500 * 0.001 = 64.5: the int64 path's 15-bit multiplier lands just below
    // (64.4997 -> 64), the int32 path's 31-bit one just above (64.5000004 -> 65).
    expect(run('int64')).toEqual([64]);
    expect(run('int32')).toEqual([65]);
  });

  it('uint8 subtracts the weight zero point', () => {
    const r = conv(
      opts({}),
      { dtype: 'uint8', shape: [1, 1, 1, 2], data: [130, 126], quant: q(1, 128) },
      { dtype: 'uint8', shape: [1, 1, 1, 2], data: [129, 131], quant: q(1, 128) },
      { dtype: 'int32', shape: [1], data: [-1] },
      { dtype: 'uint8', shape: [], quant: q(1, 128) },
    );
    // (1*2 + 3*-2) - 1 = -5 -> 123
    expect(r.data).toEqual([123]);
  });

  it('refuses windows larger than the input, zero strides and unsupported dtype mixes', () => {
    const f = { dtype: 'float32' as const, shape: [1, 3, 3, 1], data: new Array(9).fill(1) };
    const x = { dtype: 'float32' as const, shape: [1, 2, 2, 1], data: [1, 2, 3, 4] };
    expect(() => conv(opts({}), x, f, null, { dtype: 'float32', shape: [] })).toThrow(ShapeMismatchError);
    expect(() => conv(opts({ strideW: 0 }), x, f, null, { dtype: 'float32', shape: [] })).toThrow(
      ShapeMismatchError,
    );
    expect(() =>
      conv(opts({}), { ...x, dtype: 'int32' }, { ...f, shape: [1, 1, 1, 1], data: [1] }, null, {
        dtype: 'int32',
        shape: [],
      }),
    ).toThrow(UnsupportedOpError);
  });
});

describe('CONV_2D hybrid (float input, int8 weights)', () => {
  const input = { dtype: 'float32' as const, shape: [1, 1, 1, 2], data: [1, -0.5] };
  it('per-channel: asymmetric input quantization, result matches the float math', () => {
    const r = conv(
      opts({}),
      input,
      { dtype: 'int8', shape: [2, 1, 1, 2], data: [2, 4, 4, -4], quant: q([0.5, 0.25], [0, 0]) },
      { dtype: 'float32', shape: [2], data: [0.25, 0] },
      { dtype: 'float32', shape: [] },
    );
    // input -> zero point -43, q = [127, -128]; ch0 acc = 2*170 + 4*-85 = 0 -> bias 0.25;
    // ch1 acc = 4*170 + -4*-85 = 1020 -> 1020 * 0.25 * (1.5/255) = 1.5
    expect(r.data[0]).toBe(0.25);
    expect(Math.abs(r.data[1] - 1.5)).toBeLessThan(1e-6);
  });
  it('per-tensor: symmetric input quantization (TFLite rounds -63.5 to -64)', () => {
    const r = conv(
      opts({}),
      input,
      { dtype: 'int8', shape: [1, 1, 1, 2], data: [2, 4], quant: q(0.5) },
      null,
      { dtype: 'float32', shape: [] },
    );
    // q = [127, -64]; acc = 254 - 256 = -2; -2 * (1/127 * 0.5)
    expect(r.data[0]).toBe(Math.fround(-2 * Math.fround(Math.fround(1 / 127) * 0.5)));
  });
});
