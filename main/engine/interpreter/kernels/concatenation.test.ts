import { describe, expect, it } from 'vitest';
import { runKernel } from '../kernel-runner';
import { kernel } from './concatenation';

const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint], axis: 0 });

describe('CONCATENATION', () => {
  it('float32 along the last axis and along axis 0', () => {
    const a = { dtype: 'float32' as const, shape: [2, 2], data: [1, 2, 3, 4] };
    const b = { dtype: 'float32' as const, shape: [2, 1], data: [5, 6] };
    const r = runKernel(kernel, {
      op: 'CONCATENATION',
      options: { axis: -1 },
      inputs: [a, b],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    expect(r.outputs[0].shape).toEqual([2, 3]);
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([1, 2, 5, 3, 4, 6]);
    const c = { dtype: 'float32' as const, shape: [1, 2], data: [7, 8] };
    const r0 = runKernel(kernel, {
      op: 'CONCATENATION',
      options: { axis: 0 },
      inputs: [a, c],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    expect(r0.outputs[0].shape).toEqual([3, 2]);
    expect(Array.from(r0.outputs[0].data as ArrayLike<number>)).toEqual([1, 2, 3, 4, 7, 8]);
  });

  it('int8 with equal params is a copy', () => {
    const r = runKernel(kernel, {
      op: 'CONCATENATION',
      options: { axis: 1 },
      inputs: [
        { dtype: 'int8', shape: [1, 2], data: [-128, 127], quant: q(0.1, 3) },
        { dtype: 'int8', shape: [1, 1], data: [5], quant: q(0.1, 3) },
      ],
      outputs: [{ dtype: 'int8', shape: [], quant: q(0.1, 3) }],
    });
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([-128, 127, 5]);
  });

  it('uint8 requantizes inputs whose params differ (ConcatenationWithScaling)', () => {
    // input 1: scale 1, zp 128 -> real = q - 128; output scale 0.5, zp 100 -> q_out = 2*real + 100
    const r = runKernel(kernel, {
      op: 'CONCATENATION',
      options: { axis: 0 },
      inputs: [
        { dtype: 'uint8', shape: [2], data: [7, 9], quant: q(0.5, 100) },
        { dtype: 'uint8', shape: [4], data: [128, 130, 0, 255], quant: q(1, 128) },
      ],
      outputs: [{ dtype: 'uint8', shape: [], quant: q(0.5, 100) }],
    });
    // 128->100, 130->104, 0-> -156 clamps 0, 255-> 354 clamps 255
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([7, 9, 100, 104, 0, 255]);
  });

  it('int8 requantization rounds half away from zero in float32', () => {
    // scale ratio 0.5: q=3 -> 1.5 -> 2, q=-3 -> -1.5 -> -2, q=1 -> 0.5 -> 1
    const r = runKernel(kernel, {
      op: 'CONCATENATION',
      options: { axis: 0 },
      inputs: [{ dtype: 'int8', shape: [4], data: [3, -3, 1, -1], quant: q(0.5, 0) }],
      outputs: [{ dtype: 'int8', shape: [], quant: q(1, 0) }],
    });
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([2, -2, 1, -1]);
  });

  it('refuses mismatched shapes, fused activations and int16 rescaling', () => {
    const run =
      (inputs: any[], options: any = { axis: 0 }, dtype = 'float32') =>
      () =>
        runKernel(kernel, {
          op: 'CONCATENATION',
          options,
          inputs,
          outputs: [{ dtype: dtype as any, shape: [], quant: q(1, 0) }],
        });
    expect(
      run([
        { dtype: 'float32', shape: [2, 2], data: [1, 2, 3, 4] },
        { dtype: 'float32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
      ]),
    ).toThrow(/dim 1/);
    expect(
      run([{ dtype: 'float32', shape: [1], data: [1] }], { axis: 0, fusedActivationFunction: 1 }),
    ).toThrow(/activation/);
    expect(run([{ dtype: 'int16', shape: [1], data: [1], quant: q(2, 0) }], { axis: 0 }, 'int16')).toThrow(
      /int16/,
    );
    expect(run([{ dtype: 'float32', shape: [1], data: [1] }], { axis: 1 })).toThrow(/axis/);
  });
});
