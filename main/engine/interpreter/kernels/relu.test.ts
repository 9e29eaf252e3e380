import { describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import type { Kernel } from '../types';
import { kernel as relu } from './relu';
import { kernel as relu6 } from './relu6';
import { kernel as reluN1To1 } from './relu_n1_to_1';

const q = quantParams;

function run(
  k: Kernel,
  op: 'RELU' | 'RELU6' | 'RELU_N1_TO_1',
  dtype: any,
  data: number[],
  inQ?: any,
  outQ?: any,
) {
  const r = runKernel(k, {
    op,
    inputs: [{ dtype, shape: [data.length], data, quant: inQ }],
    outputs: [{ dtype, shape: [], quant: outQ }],
  });
  return Array.from(r.outputs[0].data as any, Number);
}

describe('RELU / RELU6 / RELU_N1_TO_1', () => {
  const xs = [-7, -1.5, -0.5, 0, 0.25, 1, 5.5, 6, 8];
  it('float32 clamps', () => {
    expect(run(relu, 'RELU', 'float32', xs)).toEqual([0, 0, 0, 0, 0.25, 1, 5.5, 6, 8]);
    expect(run(relu6, 'RELU6', 'float32', xs)).toEqual([0, 0, 0, 0, 0.25, 1, 5.5, 6, 6]);
    expect(run(reluN1To1, 'RELU_N1_TO_1', 'float32', xs)).toEqual([-1, -1, -0.5, 0, 0.25, 1, 1, 1, 1]);
  });

  it('int8 with equal params clamps at the quantized bounds', () => {
    // scale 0.05, zp -10: q(0) = -10, q(6) = 110, q(-1) = -30, q(1) = 10
    const p = q(0.05, -10);
    const data = [-128, -31, -30, -11, -10, 0, 10, 11, 109, 110, 111, 127];
    expect(run(relu, 'RELU', 'int8', data, p, p)).toEqual([
      -10, -10, -10, -10, -10, 0, 10, 11, 109, 110, 111, 127,
    ]);
    expect(run(relu6, 'RELU6', 'int8', data, p, p)).toEqual([
      -10, -10, -10, -10, -10, 0, 10, 11, 109, 110, 110, 110,
    ]);
    expect(run(reluN1To1, 'RELU_N1_TO_1', 'int8', data, p, p)).toEqual([
      -30, -30, -30, -11, -10, 0, 10, 10, 10, 10, 10, 10,
    ]);
  });

  it('uint8 requantizes: in scale 0.1 zp 128 -> out scale 0.2 zp 0', () => {
    // real = (q-128)*0.1; out = round(real/0.2) = round((q-128)/2), half away from zero
    expect(run(relu, 'RELU', 'uint8', [0, 127, 128, 129, 131, 255], q(0.1, 128), q(0.2, 0))).toEqual([
      0, 0, 0, 1, 2, 64,
    ]);
  });

  it('int16 RELU6 with scale 1/4096', () => {
    const p = q(1 / 4096, 0);
    expect(run(relu6, 'RELU6', 'int16', [-32768, -1, 0, 4096, 24575, 24576, 24577, 32767], p, p)).toEqual([
      0, 0, 0, 4096, 24575, 24576, 24576, 24576,
    ]);
  });

  it('refuses int32', () => {
    expect(() => run(relu, 'RELU', 'int32', [1])).toThrow(/int32/);
  });
});

describe('RELU int16 zero points', () => {
  it('refuses nonzero zero points on int16 (TFLite requires symmetric int16)', () => {
    const p = { scale: [1 / 4096], zeroPoint: [3], axis: 0 };
    expect(() =>
      runKernel(relu, {
        op: 'RELU',
        inputs: [{ dtype: 'int16', shape: [1], data: [1], quant: p }],
        outputs: [{ dtype: 'int16', shape: [], quant: p }],
      }),
    ).toThrow(/zero points/);
  });
});

describe('RELU6 TFLite golden', () => {
  // TFLite's Relu6Int8 test: range [-8, 8 * 127/128] -> scale 1/16, zero point 0; the input 10
  // saturates at code 127 and RELU6 caps it at 6 -> 96.
  it('int8', () => {
    const p = q(1 / 16, 0);
    expect(run(relu6, 'RELU6', 'int8', [0, -96, 32, 64, 48, -32, 127, 16], p, p)).toEqual([
      0, 0, 32, 64, 48, 0, 96, 16,
    ]);
  });
});
