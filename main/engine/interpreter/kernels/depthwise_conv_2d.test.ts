import { describe, expect, it } from 'vitest';
import { ShapeMismatchError, UnsupportedOpError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import { kernel as depthwiseConv2d } from './depthwise_conv_2d';

const opts = (o: Record<string, number>) => ({
  padding: 1,
  strideW: 1,
  strideH: 1,
  depthMultiplier: 0,
  dilationWFactor: 1,
  dilationHFactor: 1,
  fusedActivationFunction: 0,
  ...o,
});
const q = (scale: number | number[], zeroPoint: number | number[] = 0, axis = 3) =>
  quantParams(scale, zeroPoint, axis);

function dw(
  options: any,
  input: TensorSpec,
  filter: TensorSpec,
  bias: TensorSpec | null,
  output: TensorSpec,
) {
  const r = runKernel(depthwiseConv2d, {
    op: 'DEPTHWISE_CONV_2D',
    options,
    inputs: [input, filter, bias],
    outputs: [output],
  });
  return { shape: r.outputs[0].shape, data: Array.from(r.outputs[0].data as Float32Array) };
}

describe('DEPTHWISE_CONV_2D', () => {
  it('float, depth multiplier 2: output channel ic*2+m reads input channel ic', () => {
    const r = dw(
      opts({ depthMultiplier: 2 }),
      { dtype: 'float32', shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] },
      // taps (0,0) (0,1) (1,0) (1,1), 4 output channels each
      { dtype: 'float32', shape: [1, 2, 2, 4], data: [1, 1, 1, -1, 1, 2, 1, 0, 1, 3, 1, 0, 1, 4, 1, 0] },
      null,
      { dtype: 'float32', shape: [] },
    );
    expect(r.shape).toEqual([1, 1, 1, 4]);
    // oc0 = 1+3+5+7, oc1 = 1*1+3*2+5*3+7*4, oc2 = 2+4+6+8, oc3 = -2
    expect(r.data).toEqual([16, 50, 20, -2]);
  });

  it('int8 per-channel on axis 3 with SAME padding (rounding half away from zero)', () => {
    const r = dw(
      opts({ padding: 0, depthMultiplier: 2 }),
      { dtype: 'int8', shape: [1, 2, 2, 1], data: [1, 2, 3, 4], quant: q(1, 0) },
      { dtype: 'int8', shape: [1, 2, 2, 2], data: [1, 1, 1, 1, 1, 1, 1, 1], quant: q([1, 0.5], [0, 0]) },
      null,
      { dtype: 'int8', shape: [], quant: q(1, 0) },
    );
    expect(r.shape).toEqual([1, 2, 2, 2]);
    // windows clipped at the bottom/right: sums 10, 6, 7, 4; channel 1 halves them (3.5 -> 4)
    expect(r.data).toEqual([10, 5, 6, 3, 7, 4, 4, 2]);
  });

  it('int8 with input/output zero points, bias and RELU6; dilation', () => {
    const r = dw(
      opts({ dilationWFactor: 2, fusedActivationFunction: 3 }),
      { dtype: 'int8', shape: [1, 1, 3, 1], data: [-8, 100, 2], quant: q(0.5, -10) },
      { dtype: 'int8', shape: [1, 1, 2, 1], data: [2, 1], quant: q(0.25) },
      { dtype: 'int32', shape: [1], data: [4] },
      { dtype: 'int8', shape: [], quant: q(0.125, -20) },
    );
    expect(r.shape).toEqual([1, 1, 1, 1]);
    // acc = 2*(-8+10) + 1*(2+10) + 4 = 20; * (0.5*0.25/0.125 = 1) -> 20 - 20 = 0 (real 2.5 -> q 0)
    expect(r.data).toEqual([0]);
  });

  it('16x8 with int64 bias', () => {
    const r = dw(
      opts({}),
      { dtype: 'int16', shape: [1, 1, 1, 2], data: [-30000, 30000], quant: q(0.0001) },
      { dtype: 'int8', shape: [1, 1, 1, 2], data: [127, -127], quant: q([0.01, 0.02], [0, 0]) },
      { dtype: 'int64', shape: [2], data: [1000000, 0] },
      { dtype: 'int16', shape: [], quant: q(0.001) },
    );
    // ch0: (-3810000 + 1000000) * 0.001 = -2810; ch1: -3810000 * 0.002 = -7620
    expect(r.data).toEqual([-2810, -7620]);
  });

  it('16x8 refuses an int32 bias (TFLite depthwise requires int64)', () => {
    expect(() =>
      dw(
        opts({}),
        { dtype: 'int16', shape: [1, 1, 1, 1], data: [1], quant: q(0.001) },
        { dtype: 'int8', shape: [1, 1, 1, 1], data: [1], quant: q(0.01) },
        { dtype: 'int32', shape: [1], data: [0] },
        { dtype: 'int16', shape: [], quant: q(0.001) },
      ),
    ).toThrow(UnsupportedOpError);
  });

  it('hybrid per-channel: asymmetric per-batch input quantization', () => {
    const r = dw(
      opts({}),
      { dtype: 'float32', shape: [1, 1, 1, 2], data: [1, -0.5] },
      { dtype: 'int8', shape: [1, 1, 1, 2], data: [2, 4], quant: q([0.5, 0.25], [0, 0]) },
      null,
      { dtype: 'float32', shape: [] },
    );
    // zero point -43: q = [127, -128]; ch0 = 2*170*0.5*s, ch1 = 4*-85*0.25*s with s = 1.5/255
    expect(Math.abs(r.data[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.data[1] + 0.5)).toBeLessThan(1e-6);
  });

  it('uint8 per-tensor with weight zero point', () => {
    const r = dw(
      opts({}),
      { dtype: 'uint8', shape: [1, 1, 2, 2], data: [130, 120, 140, 128], quant: q(1, 128, 0) },
      { dtype: 'uint8', shape: [1, 1, 2, 2], data: [129, 126, 131, 100], quant: q(0.5, 128, 0) },
      { dtype: 'int32', shape: [2], data: [3, -4] },
      { dtype: 'uint8', shape: [], quant: q(1, 100, 0) },
    );
    // ch0: (1 * 2 + 3 * 12) + 3 = 41 -> * 0.5 = 20.5 -> 21 + 100; ch1: (-2 * -8 + -28 * 0) - 4 = 12 -> 6 + 100
    expect(r.data).toEqual([121, 106]);
  });

  it('refuses a depth multiplier that disagrees with the shapes', () => {
    expect(() =>
      dw(
        opts({ depthMultiplier: 3 }),
        { dtype: 'float32', shape: [1, 1, 1, 2], data: [1, 2] },
        { dtype: 'float32', shape: [1, 1, 1, 4], data: [1, 2, 3, 4] },
        null,
        { dtype: 'float32', shape: [] },
      ),
    ).toThrow(ShapeMismatchError);
  });
});
