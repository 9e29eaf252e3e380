// Issue 3: ADD / SUB / MUL golden values: broadcasting (TFLite NdArrayDesc semantics), float and
// int32, quantized int8/uint8/int16 with TFLite's general-scale arithmetic, fused activations,
// and saturation. Quantized expectations are worked out in the comments.
import { describe, expect, it } from 'vitest';
import { ShapeMismatchError, UnsupportedOpError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import type { Kernel } from '../types';
import type { DType } from '../../tensor/dtype';
import { kernel as add } from './add';
import { kernel as mul } from './mul';
import { kernel as sub } from './sub';

const q = quantParams;

function bin(
  kernel: Kernel,
  op: 'ADD' | 'SUB' | 'MUL',
  a: TensorSpec,
  b: TensorSpec,
  out: { dtype: DType; quant?: any },
  act = 0,
) {
  const o = runKernel(kernel, {
    op,
    options: { fusedActivationFunction: act },
    inputs: [a, { ...b, isConst: false }],
    outputs: [{ dtype: out.dtype, shape: [], quant: out.quant }],
  }).outputs[0];
  return { shape: o.shape, data: Array.from(o.data as Float32Array) };
}

describe('ADD / SUB / MUL', () => {
  it('float32 broadcasts [2,1,3] with [4,1] to [2,4,3]', () => {
    const a = { dtype: 'float32' as const, shape: [2, 1, 3], data: [1, 2, 3, 10, 20, 30] };
    const b = { dtype: 'float32' as const, shape: [4, 1], data: [0, 100, 200, 300] };
    const r = bin(add, 'ADD', a, b, { dtype: 'float32' });
    expect(r.shape).toEqual([2, 4, 3]);
    const want: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) want.push(a.data[i * 3 + k] + b.data[j]);
    expect(r.data).toEqual(want);
    expect(bin(sub, 'SUB', a, b, { dtype: 'float32' }).data).toEqual(
      want.map((v, i) => v - 2 * b.data[Math.floor(i / 3) % 4]),
    );
  });

  it('float32 fused activations: RELU, RELU6, RELU_N1_TO_1', () => {
    const a = { dtype: 'float32' as const, shape: [4], data: [-3, -0.5, 0.5, 7] };
    const z = { dtype: 'float32' as const, shape: [1], data: [0] };
    expect(bin(add, 'ADD', a, z, { dtype: 'float32' }, 1).data).toEqual([0, 0, 0.5, 7]);
    expect(bin(add, 'ADD', a, z, { dtype: 'float32' }, 3).data).toEqual([0, 0, 0.5, 6]);
    expect(bin(add, 'ADD', a, z, { dtype: 'float32' }, 2).data).toEqual([-1, -0.5, 0.5, 1]);
  });

  it('int32 add wraps like C and mul uses 32-bit products', () => {
    const a = { dtype: 'int32' as const, shape: [2], data: [2147483647, -5] };
    const b = { dtype: 'int32' as const, shape: [2], data: [1, 3] };
    expect(bin(add, 'ADD', a, b, { dtype: 'int32' }).data).toEqual([-2147483648, -2]);
    expect(bin(mul, 'MUL', a, b, { dtype: 'int32' }).data).toEqual([2147483647, -15]);
  });

  it('int8 ADD with different scales and zero points (exact)', () => {
    // a: scale 0.5 zp 10, b: scale 0.25 zp -5, out: scale 1 zp -3
    // real a = (14-10)*.5 = 2, (0-10)*.5 = -5; real b = (7+5)*.25 = 3, (-5+5)*.25 = 0
    // sums 5 and -5 -> q = 5-3 = 2 and -5-3 = -8
    const r = bin(
      add,
      'ADD',
      { dtype: 'int8', shape: [2], data: [14, 0], quant: q(0.5, 10) },
      { dtype: 'int8', shape: [2], data: [7, -5], quant: q(0.25, -5) },
      { dtype: 'int8', quant: q(1, -3) },
    );
    expect(r.data).toEqual([2, -8]);
  });

  it('int8 ADD saturates and applies RELU in the quantized domain', () => {
    // out scale 0.1 zp 0: 10 + 10 = 20 -> 200 -> 127; -10 + -10 -> -128, RELU -> 0
    const a = { dtype: 'int8' as const, shape: [2], data: [100, -100], quant: q(0.1) };
    const r = bin(add, 'ADD', a, a, { dtype: 'int8', quant: q(0.1) });
    expect(r.data).toEqual([127, -128]);
    expect(bin(add, 'ADD', a, a, { dtype: 'int8', quant: q(0.1) }, 1).data).toEqual([127, 0]);
  });

  it('uint8 SUB broadcasting a scalar', () => {
    // a zp 128 scale 1: [130, 120] -> [2, -8]; b scalar 1 (zp 0) -> [1, -9] -> out zp 128 -> [129, 119]
    const r = bin(
      sub,
      'SUB',
      { dtype: 'uint8', shape: [1, 2], data: [130, 120], quant: q(1, 128) },
      { dtype: 'uint8', shape: [], data: [1], quant: q(1, 0) },
      { dtype: 'uint8', quant: q(1, 128) },
    );
    expect(r.shape).toEqual([1, 2]);
    expect(r.data).toEqual([129, 119]);
  });

  it('int16 ADD/SUB with zero points 0 (16x8 scheme)', () => {
    // a scale 2^-10, b scale 2^-11, out 2^-9: a = 1000 -> 0.9766, b = 1000 -> 0.4883
    // sum 1.4648 -> 750 at 2^-9; diff 0.4883 -> 250
    const a = { dtype: 'int16' as const, shape: [1], data: [1000], quant: q(2 ** -10) };
    const b = { dtype: 'int16' as const, shape: [1], data: [1000], quant: q(2 ** -11) };
    expect(bin(add, 'ADD', a, b, { dtype: 'int16', quant: q(2 ** -9) }).data).toEqual([750]);
    expect(bin(sub, 'SUB', a, b, { dtype: 'int16', quant: q(2 ** -9) }).data).toEqual([250]);
    expect(() =>
      bin(add, 'ADD', { ...a, quant: q(2 ** -10, 1) }, b, { dtype: 'int16', quant: q(2 ** -9) }),
    ).toThrow(UnsupportedOpError);
  });

  it('int8 MUL: (x1 - zp1)(x2 - zp2) * s1 s2 / s_out + zp_out, rounding at the tie', () => {
    // a = [3, -4] zp 0 scale 0.5 -> [1.5, -2]; b = [5, 5] zp 1 scale 0.5 -> [2, 2]
    // products 3 and -4 at out scale 0.4: 7.5 -> 8 (half rounds up), -10 -> -10; zp 1 -> [9, -9]
    const r = bin(
      mul,
      'MUL',
      { dtype: 'int8', shape: [2], data: [3, -4], quant: q(0.5) },
      { dtype: 'int8', shape: [2], data: [5, 5], quant: q(0.5, 1) },
      { dtype: 'int8', quant: q(0.4, 1) },
    );
    expect(r.data).toEqual([9, -9]);
  });

  it('incompatible shapes and mixed dtypes are refused', () => {
    expect(() =>
      bin(
        add,
        'ADD',
        { dtype: 'float32', shape: [3], data: [1, 2, 3] },
        { dtype: 'float32', shape: [2], data: [1, 2] },
        { dtype: 'float32' },
      ),
    ).toThrow(ShapeMismatchError);
    expect(() =>
      bin(
        add,
        'ADD',
        { dtype: 'float32', shape: [1], data: [1] },
        { dtype: 'int32', shape: [1], data: [1] },
        { dtype: 'float32' },
      ),
    ).toThrow(UnsupportedOpError);
  });
});
