import { describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import { eluLutEntry, kernel } from './elu';

const q = quantParams;

describe('ELU', () => {
  it('float32: expm1 below zero, identity above', () => {
    const r = runKernel(kernel, {
      op: 'ELU',
      inputs: [{ dtype: 'float32', shape: [4], data: [-2, -0.5, 0, 3] }],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    const o = Array.from(r.outputs[0].data as ArrayLike<number>);
    expect(o[0]).toBeCloseTo(Math.exp(-2) - 1, 6);
    expect(o[1]).toBeCloseTo(Math.exp(-0.5) - 1, 6);
    expect(o.slice(2)).toEqual([0, 3]);
  });

  it('int8 LUT: hand-computed entries', () => {
    // in scale 0.1 zp 0, out scale 1/64 zp 0: q=-10 -> x=-1 -> e^-1 - 1 = -0.63212 -> *64 = -40.46 -> -40
    expect(eluLutEntry(-10, 0.1, 0, 1 / 64, 0)).toBe(-40);
    expect(eluLutEntry(-128, 0.1, 0, 1 / 64, 0)).toBe(-64); // -12.8 -> ~-1 -> -64
    expect(eluLutEntry(1, 0.1, 0, 1 / 64, 0)).toBe(6); // 0.1*64 = 6.4 -> 6
    expect(eluLutEntry(20, 0.1, 0, 1 / 64, 0)).toBe(127); // 128 saturates
    expect(eluLutEntry(0, 0.1, 0, 1 / 64, 5)).toBe(5);
  });

  it('int8 kernel applies the table', () => {
    const r = runKernel(kernel, {
      op: 'ELU',
      inputs: [{ dtype: 'int8', shape: [4], data: [-10, 0, 1, 20], quant: q(0.1, 0) }],
      outputs: [{ dtype: 'int8', shape: [], quant: q(1 / 64, 0) }],
    });
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([-40, 0, 6, 127]);
  });

  it('refuses uint8', () => {
    expect(() =>
      runKernel(kernel, {
        op: 'ELU',
        inputs: [{ dtype: 'uint8', shape: [1], data: [1], quant: q(1, 0) }],
        outputs: [{ dtype: 'uint8', shape: [], quant: q(1, 0) }],
      }),
    ).toThrow(/uint8/);
  });
});

describe('ELU TFLite EluInt8 case', () => {
  // Range [-8, 8 * 127/128]: scale 1/16, zero point 0. TFLite's expected dequantized outputs
  // {0, -1, 2, -1, 3, -0.875, 6, -0.125} are exact multiples of 1/16, i.e. these codes.
  it('int8', () => {
    const p = q(1 / 16, 0);
    const r = runKernel(kernel, {
      op: 'ELU',
      inputs: [{ dtype: 'int8', shape: [1, 2, 4, 1], data: [0, -96, 32, -64, 48, -32, 96, -2], quant: p }],
      outputs: [{ dtype: 'int8', shape: [], quant: p }],
    });
    expect(Array.from(r.outputs[0].data as Int8Array)).toEqual([0, -16, 32, -16, 48, -14, 96, -2]);
  });
});
