import { describe, expect, it } from 'vitest';
import { runKernel } from '../kernel-runner';
import { kernel as div } from './div';

describe('DIV', () => {
  it('float32 broadcast with RELU6', () => {
    const r = runKernel(div, {
      op: 'DIV',
      options: { fusedActivationFunction: 3 },
      inputs: [
        { dtype: 'float32', shape: [2, 2], data: [1, -8, 30, 9] },
        { dtype: 'float32', shape: [2], data: [4, 2] },
      ],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    expect(Array.from(r.outputs[0].data as Float32Array)).toEqual([0.25, 0, 6, 4.5]);
    expect((r.outputs[0].data as Float32Array)[0]).toBe(Math.fround(1 / 4));
  });
  it('int32 truncates toward zero; zero divisor is an error at eval', () => {
    const run = (b: number[]) =>
      runKernel(div, {
        op: 'DIV',
        inputs: [
          { dtype: 'int32', shape: [4], data: [7, -7, 7, -7] },
          { dtype: 'int32', shape: [4], data: b },
        ],
        outputs: [{ dtype: 'int32', shape: [] }],
      });
    expect(Array.from(run([2, 2, -2, -2]).outputs[0].data as Int32Array)).toEqual([3, -3, -3, 3]);
    expect(() => run([2, 0, 1, 1])).toThrow(/division by zero/);
  });
  it('refuses uint8', () => {
    const q = { scale: [1], zeroPoint: [0], axis: 0 };
    expect(() =>
      runKernel(div, {
        op: 'DIV',
        inputs: [
          { dtype: 'uint8', shape: [1], data: [1], quant: q },
          { dtype: 'uint8', shape: [1], data: [1], quant: q },
        ],
        outputs: [{ dtype: 'uint8', shape: [], quant: q }],
      }),
    ).toThrow(/uint8/);
  });
});
