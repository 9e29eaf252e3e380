import { describe, expect, it } from 'vitest';
import { ShapeMismatchError, UnsupportedOpError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import { kernel as transposeConv } from './transpose_conv';

const q = quantParams;
const opts = (o: Record<string, number>) => ({
  padding: 1,
  strideW: 1,
  strideH: 1,
  fusedActivationFunction: 0,
  ...o,
});

function tconv(
  options: any,
  outShape: number[],
  filter: TensorSpec,
  input: TensorSpec,
  bias: TensorSpec | null,
  out: TensorSpec,
) {
  return runKernel(transposeConv, {
    op: 'TRANSPOSE_CONV',
    options,
    inputs: [{ dtype: 'int32', shape: [4], data: outShape, isConst: true }, filter, input, bias],
    outputs: [out],
  });
}

const ones3 = { dtype: 'float32' as const, shape: [1, 3, 3, 1], data: new Array(9).fill(1) };
const x22 = { dtype: 'float32' as const, shape: [1, 2, 2, 1], data: [1, 2, 3, 4] };

describe('TRANSPOSE_CONV', () => {
  it('float VALID stride 2: each input pixel stamps a 3x3 block, overlaps add', () => {
    const r = tconv(opts({ strideW: 2, strideH: 2 }), [1, 5, 5, 1], ones3, x22, null, {
      dtype: 'float32',
      shape: [],
    });
    expect(r.outputs[0].shape).toEqual([1, 5, 5, 1]);
    expect(Array.from(r.outputs[0].data as Float32Array)).toEqual([
      1, 1, 3, 2, 2, 1, 1, 3, 2, 2, 4, 4, 10, 6, 6, 3, 3, 7, 4, 4, 3, 3, 7, 4, 4,
    ]);
  });

  it('float SAME: padding from the output size (0 before, the odd one after), bias and RELU_N1_TO_1', () => {
    const r = tconv(opts({ padding: 0, strideW: 2, strideH: 2 }), [1, 4, 4, 1], ones3, x22, null, {
      dtype: 'float32',
      shape: [],
    });
    expect(Array.from(r.outputs[0].data as Float32Array)).toEqual([
      1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4,
    ]);
    const c = tconv(
      opts({ fusedActivationFunction: 2 }),
      [1, 1, 1, 2],
      { dtype: 'float32', shape: [2, 1, 1, 1], data: [0.25, -2] },
      { dtype: 'float32', shape: [1, 1, 1, 1], data: [2] },
      { dtype: 'float32', shape: [2], data: [0.25, 0] },
      { dtype: 'float32', shape: [] },
    );
    expect(Array.from(c.outputs[0].data as Float32Array)).toEqual([0.75, -1]);
  });

  it('int8 per-channel with int32 bias', () => {
    const r = tconv(
      opts({}),
      [1, 1, 1, 2],
      { dtype: 'int8', shape: [2, 1, 1, 1], data: [3, -5], quant: q([0.25, 0.1], [0, 0]) },
      { dtype: 'int8', shape: [1, 1, 1, 1], data: [10], quant: q(0.5, 2), isConst: false },
      { dtype: 'int32', shape: [2], data: [8, 0] },
      { dtype: 'int8', shape: [], quant: q(0.5, -1) },
    );
    // ch0: (8 * 3 + 8) * 0.25 = 8, -1; ch1: 8 * -5 * 0.1 = -4, -1
    expect(Array.from(r.outputs[0].data as Int8Array)).toEqual([7, -5]);
  });

  it('16x8: int16 bias is widened to int64 as in TFLite Micro', () => {
    const r = tconv(
      opts({}),
      [1, 1, 1, 1],
      { dtype: 'int8', shape: [1, 1, 1, 1], data: [64], quant: q(0.01) },
      { dtype: 'int16', shape: [1, 1, 1, 1], data: [1000], quant: q(0.001), isConst: false },
      { dtype: 'int16', shape: [1], data: [1000] },
      { dtype: 'int16', shape: [], quant: q(0.01) },
    );
    // (64000 + 1000) * 0.001 = 65
    expect(Array.from(r.outputs[0].data as Int16Array)).toEqual([65]);
  });

  it('a dynamic output_shape must match the planned output shape at eval', () => {
    const outputShape = new Int32Array([1, 1, 1, 1]);
    const r = runKernel(transposeConv, {
      op: 'TRANSPOSE_CONV',
      options: opts({}),
      inputs: [
        { dtype: 'int32', shape: [4], data: outputShape, isConst: false },
        { dtype: 'float32', shape: [1, 1, 1, 1], data: [2] },
        { dtype: 'float32', shape: [1, 1, 1, 1], data: [3], isConst: false },
        null,
      ],
      outputs: [{ dtype: 'float32', shape: [1, 1, 1, 1] }],
    });
    expect(Array.from(r.outputs[0].data as Float32Array)).toEqual([6]);
    outputShape[1] = 2;
    expect(() => r.invoke()).toThrow(ShapeMismatchError);
  });

  it('uint8 (legacy per-tensor) removes both zero points', () => {
    const r = tconv(
      opts({}),
      [1, 1, 1, 1],
      { dtype: 'uint8', shape: [1, 1, 1, 1], data: [132], quant: q(0.25, 128) },
      { dtype: 'uint8', shape: [1, 1, 1, 1], data: [130], quant: q(0.5, 128), isConst: false },
      { dtype: 'int32', shape: [1], data: [4] },
      { dtype: 'uint8', shape: [], quant: q(0.25, 120) },
    );
    // (2 * 4 + 4) * 0.5 = 6, + 120
    expect(Array.from(r.outputs[0].data as Uint8Array)).toEqual([126]);
  });

  it('refuses an absurd constant output_shape instead of failing to allocate', () => {
    expect(() =>
      tconv(opts({}), [1, 100000, 100000, 1], { ...ones3, shape: [1, 1, 1, 1], data: [1] }, x22, null, {
        dtype: 'float32',
        shape: [],
      }),
    ).toThrow(UnsupportedOpError);
  });

  it('refuses other dtypes and mismatched depths in prepare', () => {
    expect(() =>
      tconv(
        opts({}),
        [1, 1, 1, 1],
        { dtype: 'int32', shape: [1, 1, 1, 1], data: [1] },
        { dtype: 'int32', shape: [1, 1, 1, 1], data: [1], isConst: false },
        null,
        { dtype: 'int32', shape: [] },
      ),
    ).toThrow(UnsupportedOpError);
    expect(() =>
      tconv(
        opts({}),
        [1, 1, 1, 1],
        { ...ones3, shape: [1, 1, 1, 2], data: [1, 1] },
        { ...x22, shape: [1, 1, 1, 4] },
        null,
        {
          dtype: 'float32',
          shape: [],
        },
      ),
    ).toThrow(ShapeMismatchError);
  });
});
