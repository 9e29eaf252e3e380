import { describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import { kernel } from './concatenation';

const q = quantParams;

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

  it('refuses mismatched shapes, fused activations and bad axes', () => {
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
    expect(run([{ dtype: 'float32', shape: [1], data: [1] }], { axis: 1 })).toThrow(/axis/);
  });

  // TFLite's FourInputsQuantizedMixedRange test: inputs over [-10.7, 10.8], [0, 12.8], [-11, 11.8]
  // and [0, 7.4], output over [-12.7, 12.8], each quantized with its harness's affine parameters
  // (scale = range / (qmax - qmin) in float32, nudged zero point).
  const f = Math.fround;
  const mixed = (
    dtype: 'uint8' | 'int16',
    scales: number[],
    zps: number[],
    codes: number[][],
    out: { scale: number; zp: number },
  ) =>
    Array.from(
      runKernel(kernel, {
        op: 'CONCATENATION',
        options: { axis: 2 },
        inputs: codes.map((c, i) => ({ dtype, shape: [2, 1, 2], data: c, quant: q(scales[i], zps[i]) })),
        outputs: [{ dtype, shape: [], quant: q(out.scale, out.zp) }],
      }).outputs[0].data as ArrayLike<number>,
    );

  it('uint8 mixed ranges reproduce TFLite golden', () => {
    const got = mixed(
      'uint8',
      [f(21.5 / 255), f(12.8 / 255), f(22.8 / 255), f(7.4 / 255)],
      [127, 0, 123, 0],
      [
        [139, 163, 174, 210],
        [22, 62, 82, 141],
        [136, 159, 170, 204],
        [45, 114, 148, 252],
      ],
      { scale: f(25.5 / 255), zp: 127 },
    );
    expect(got).toEqual([137, 157, 138, 158, 139, 159, 140, 160, 167, 197, 168, 198, 169, 199, 170, 200]);
  });

  it('int16 mixed ranges reproduce TFLite golden', () => {
    const got = mixed(
      'int16',
      [f(21.5 / 65535), f(12.8 / 65535), f(22.8 / 65535), f(7.4 / 65535)],
      [-153, -32768, -1150, -32768],
      [
        [2895, 8991, 12040, 21184],
        [-27136, -16896, -11776, 3583],
        [2299, 8048, 10922, 19545],
        [-21255, -3543, 5313, 31881],
      ],
      { scale: f(25.5 / 65535), zp: -129 },
    );
    expect(got).toEqual([
      2441, 7581, 2698, 7838, 2955, 8095, 3212, 8352, 10151, 17861, 10408, 18118, 10665, 18375, 10922, 18632,
    ]);
  });
});
