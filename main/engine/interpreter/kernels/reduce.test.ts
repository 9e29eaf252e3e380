import { describe, expect, it } from 'vitest';
import { ShapeMismatchError, UnsupportedOpError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import type { Kernel } from '../types';
import { kernel as mean } from './mean';
import { kernel as sum } from './sum';

const q = quantParams;

function reduce(
  kernel: Kernel,
  input: TensorSpec,
  axes: number[],
  keepDims: boolean,
  outQuant = input.quant,
  axisConst = true,
) {
  const r = runKernel(kernel, {
    op: kernel === mean ? 'MEAN' : 'SUM',
    options: { keepDims },
    inputs: [input, { dtype: 'int32', shape: [axes.length], data: axes, isConst: axisConst }],
    outputs: [{ dtype: input.dtype, shape: [], quant: outQuant }],
  });
  return { shape: r.outputs[0].shape, data: Array.from(r.outputs[0].data as Float32Array) };
}

const m23 = { dtype: 'float32' as const, shape: [2, 3], data: [1, 2, 3, 4, 5, 6] };

describe('MEAN / SUM float32', () => {
  it('keep_dims, negative and duplicate axes', () => {
    expect(reduce(mean, m23, [1], false)).toEqual({ shape: [2], data: [2, 5] });
    expect(reduce(mean, m23, [-1], true)).toEqual({ shape: [2, 1], data: [2, 5] });
    expect(reduce(mean, m23, [1, -1], false)).toEqual({ shape: [2], data: [2, 5] });
    expect(reduce(mean, m23, [0, 1], false)).toEqual({ shape: [], data: [3.5] });
    expect(reduce(sum, m23, [0], false)).toEqual({ shape: [3], data: [5, 7, 9] });
    expect(reduce(sum, m23, [1, 0], true)).toEqual({ shape: [1, 1], data: [21] });
  });
  it('4-D spatial mean (global average pooling)', () => {
    const r = reduce(
      mean,
      { dtype: 'float32', shape: [1, 2, 2, 2], data: [1, 10, 2, 20, 3, 30, 4, 40] },
      [1, 2],
      true,
    );
    expect(r).toEqual({ shape: [1, 1, 1, 2], data: [2.5, 25] });
  });
  it('sums in float32 (1 + 2^-24 + 2^-24 stays 1 in float32)', () => {
    const r = reduce(sum, { dtype: 'float32', shape: [3], data: [1, 2 ** -24, 2 ** -24] }, [0], false);
    expect(r.data).toEqual([1]);
  });
});

describe('MEAN quantized', () => {
  const x = (data: number[], quant = q(1, 0)) => ({
    dtype: 'int8' as const,
    shape: [1, 2, 2, 1],
    data,
    quant,
  });
  it('int8 4-D keep_dims {1,2}: integer_ops::Mean rounds to nearest; the generic path truncates', () => {
    expect(reduce(mean, x([1, 2, 3, 5]), [1, 2], true).data).toEqual([3]); // 2.75 -> 3
    expect(reduce(mean, x([-1, -2, -3, -5]), [2, 1], true).data).toEqual([-3]);
    // Same data without keep_dims goes through reference_ops::Mean: 11 / 4 truncates to 2.
    expect(reduce(mean, x([1, 2, 3, 5]), [1, 2], false).data).toEqual([2]);
    // Rescaled: (11 * 2 + 2) / 4 = 6, + zero point 1
    expect(reduce(mean, x([1, 2, 3, 5]), [1, 2], true, q(0.5, 1)).data).toEqual([7]);
  });
  it('int8 generic requantization (QuantizedMeanOrSum folds 1/count into the multiplier)', () => {
    const r = reduce(
      mean,
      { dtype: 'int8', shape: [4], data: [10, 20, 30, 41], quant: q(0.5, 2) },
      [0],
      false,
      q(1, -3),
    );
    // mean real = (8 + 18 + 28 + 39) / 4 * 0.5 = 11.625 -> 12, - 3
    expect(r).toEqual({ shape: [], data: [9] });
  });
  it('uint8 spatial mean uses the float-computed bias', () => {
    const r = reduce(
      mean,
      { dtype: 'uint8', shape: [1, 2, 2, 1], data: [130, 131, 133, 140], quant: q(0.5, 128) },
      [1, 2],
      true,
      q(0.25, 100),
    );
    // real mean (2 + 3 + 5 + 12) / 4 * 0.5 = 2.75 -> 11 steps of 0.25, + 100
    expect(r.data).toEqual([111]);
  });
  it('int16 generic mean', () => {
    const r = reduce(
      mean,
      { dtype: 'int16', shape: [2, 2], data: [100, 301, -32768, -32768], quant: q(1) },
      [1],
      false,
      q(0.5),
    );
    expect(r.data).toEqual([401, -32768]);
  });
});

describe('SUM quantized, errors', () => {
  it('int16 and uint8 sums are requantized and saturated', () => {
    expect(
      reduce(
        sum,
        { dtype: 'int16', shape: [3], data: [1000, 2000, -500], quant: q(0.001) },
        [0],
        false,
        q(0.002),
      ).data,
    ).toEqual([1250]);
    expect(
      reduce(sum, { dtype: 'uint8', shape: [2], data: [130, 131], quant: q(1, 128) }, [0], false, q(1, 10))
        .data,
    ).toEqual([15]);
    expect(
      reduce(sum, { dtype: 'int8', shape: [3], data: [100, 100, 100], quant: q(1, 0) }, [0], false).data,
    ).toEqual([127]);
  });
  it('refuses bad axes', () => {
    expect(() => reduce(mean, m23, [2], false)).toThrow(ShapeMismatchError);
    expect(() => reduce(mean, m23, [1], false, undefined, false)).toThrow(UnsupportedOpError);
    expect(() =>
      runKernel(sum, {
        op: 'SUM',
        options: { keepDims: false },
        inputs: [m23, { dtype: 'int64', shape: [1], data: [0] }],
        outputs: [{ dtype: 'float32', shape: [] }],
      }),
    ).toThrow(UnsupportedOpError);
  });
});
