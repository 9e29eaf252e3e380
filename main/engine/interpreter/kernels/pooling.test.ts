import { describe, expect, it } from 'vitest';
import { UnsupportedOpError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import type { Kernel } from '../types';
import { kernel as averagePool2d } from './average_pool_2d';
import { kernel as l2Pool2d } from './l2_pool_2d';
import { kernel as maxPool2d } from './max_pool_2d';

const opts = (o: Record<string, number>) => ({
  padding: 1,
  strideW: 1,
  strideH: 1,
  filterWidth: 2,
  filterHeight: 2,
  fusedActivationFunction: 0,
  ...o,
});
const q = quantParams;
const seq16 = Array.from({ length: 16 }, (_, i) => i + 1);

function pool(kernel: Kernel, op: any, options: any, input: TensorSpec, out: Partial<TensorSpec> = {}) {
  const r = runKernel(kernel, {
    op,
    options,
    inputs: [input],
    outputs: [{ dtype: input.dtype, shape: [], quant: input.quant, ...out }],
  });
  return { shape: r.outputs[0].shape, data: Array.from(r.outputs[0].data as Float32Array) };
}

describe('AVERAGE_POOL_2D', () => {
  it('float 2x2 stride 2 VALID', () => {
    const r = pool(averagePool2d, 'AVERAGE_POOL_2D', opts({ strideW: 2, strideH: 2 }), {
      dtype: 'float32',
      shape: [1, 4, 4, 1],
      data: seq16,
    });
    expect(r.shape).toEqual([1, 2, 2, 1]);
    expect(r.data).toEqual([3.5, 5.5, 11.5, 13.5]);
  });
  it('SAME padding averages only the in-image taps', () => {
    const r = pool(averagePool2d, 'AVERAGE_POOL_2D', opts({ padding: 0, filterWidth: 3, filterHeight: 3 }), {
      dtype: 'float32',
      shape: [1, 2, 2, 1],
      data: [1, 2, 3, 4],
    });
    expect(r.data).toEqual([2.5, 2.5, 2.5, 2.5]);
  });
  it('int8 rounds half away from zero; uint8 rounds half up; int16', () => {
    const i8 = pool(averagePool2d, 'AVERAGE_POOL_2D', opts({ filterHeight: 1, strideW: 2 }), {
      dtype: 'int8',
      shape: [1, 1, 6, 1],
      data: [-3, -4, 3, 4, -1, -1],
      quant: q(0.5, 0),
    });
    expect(i8.data).toEqual([-4, 4, -1]);
    const u8 = pool(averagePool2d, 'AVERAGE_POOL_2D', opts({ filterHeight: 1, strideW: 2 }), {
      dtype: 'uint8',
      shape: [1, 1, 4, 1],
      data: [3, 4, 250, 253],
      quant: q(0.5, 128),
    });
    expect(u8.data).toEqual([4, 252]);
    const i16 = pool(
      averagePool2d,
      'AVERAGE_POOL_2D',
      opts({ filterHeight: 1, filterWidth: 3, strideW: 3 }),
      {
        dtype: 'int16',
        shape: [1, 1, 3, 1],
        data: [-32768, -32768, -32767],
        quant: q(1, 0),
      },
    );
    expect(i16.data).toEqual([-32768]);
  });
  it('int8 RELU6 clamps in the quantized domain; differing output params are refused', () => {
    const r = pool(
      averagePool2d,
      'AVERAGE_POOL_2D',
      opts({ filterHeight: 1, filterWidth: 1, fusedActivationFunction: 3 }),
      {
        dtype: 'int8',
        shape: [1, 1, 3, 1],
        data: [-128, 0, 127],
        quant: q(0.1, -28),
      },
    );
    // RELU6 range: [q(0), q(6)] = [-28, 32]
    expect(r.data).toEqual([-28, 0, 32]);
    expect(() =>
      pool(
        averagePool2d,
        'AVERAGE_POOL_2D',
        opts({}),
        { dtype: 'int8', shape: [1, 2, 2, 1], data: [1, 2, 3, 4], quant: q(0.1) },
        { quant: q(0.2) },
      ),
    ).toThrow(UnsupportedOpError);
  });
});

describe('MAX_POOL_2D and L2_POOL_2D', () => {
  it('float max, SAME, stride 2, two channels', () => {
    const data = seq16.flatMap((v) => [v, -v]);
    const r = pool(
      maxPool2d,
      'MAX_POOL_2D',
      opts({ padding: 0, strideW: 2, strideH: 2, filterWidth: 3, filterHeight: 3 }),
      {
        dtype: 'float32',
        shape: [1, 4, 4, 2],
        data,
      },
    );
    expect(r.shape).toEqual([1, 2, 2, 2]);
    // windows rows/cols 0..2 and 2..3
    expect(r.data).toEqual([11, -1, 12, -3, 15, -9, 16, -11]);
  });
  it('int8 max with RELU clamps at the zero point', () => {
    const r = pool(maxPool2d, 'MAX_POOL_2D', opts({ fusedActivationFunction: 1 }), {
      dtype: 'int8',
      shape: [1, 2, 3, 1],
      data: [-100, -50, -20, -90, -40, 5],
      quant: q(0.5, -30),
    });
    expect(r.data).toEqual([-30, 5]);
  });
  it('uint8 and int16 max', () => {
    expect(
      pool(maxPool2d, 'MAX_POOL_2D', opts({}), {
        dtype: 'uint8',
        shape: [1, 2, 2, 1],
        data: [0, 9, 200, 3],
        quant: q(1, 0),
      }).data,
    ).toEqual([200]);
    expect(
      pool(maxPool2d, 'MAX_POOL_2D', opts({}), {
        dtype: 'int16',
        shape: [1, 2, 2, 1],
        data: [-32768, -32768, -32768, -32767],
        quant: q(1, 0),
      }).data,
    ).toEqual([-32767]);
  });
  it('L2 pool: sqrt of the mean square', () => {
    const r = pool(l2Pool2d, 'L2_POOL_2D', opts({ filterHeight: 1 }), {
      dtype: 'float32',
      shape: [1, 1, 3, 1],
      data: [3, 4, 0],
    });
    expect(r.data).toEqual([Math.fround(Math.sqrt(12.5)), Math.fround(Math.sqrt(8))]);
    expect(() =>
      pool(l2Pool2d, 'L2_POOL_2D', opts({}), {
        dtype: 'int8',
        shape: [1, 2, 2, 1],
        data: [1, 2, 3, 4],
        quant: q(1),
      }),
    ).toThrow(UnsupportedOpError);
  });
});
