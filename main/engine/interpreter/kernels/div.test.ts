import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
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
  it('int8: reciprocal method, hand values and within 1 code of the exact quotient everywhere', () => {
    const q = (scale: number) => ({ scale: [scale], zeroPoint: [0], axis: 0 });
    const run = (x: number[], y: number[]) =>
      Array.from(
        runKernel(div, {
          op: 'DIV',
          inputs: [
            { dtype: 'int8', shape: [x.length], data: x, quant: q(0.1) },
            { dtype: 'int8', shape: [y.length], data: y, quant: q(0.1) },
          ],
          outputs: [{ dtype: 'int8', shape: [], quant: q(0.01) }],
        }).outputs[0].data as Int8Array,
      );
    // 10/20 = 0.5 -> 50; -3/4 -> -75; 1/3 -> 33; 127/1 = 12.7 saturates at 127; -128/-128 = 1 -> 100
    expect(run([10, -3, 1, 127, -128], [20, 4, 3, 1, -128])).toEqual([50, -75, 33, 127, 100]);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let a = -128; a < 128; a += 3)
      for (let b = -128; b < 128; b += 5) {
        if (b === 0) continue;
        xs.push(a);
        ys.push(b);
      }
    const got = run(xs, ys);
    let worst = 0;
    got.forEach((v, i) => {
      const ideal = Math.max(-128, Math.min(127, Math.round(xs[i] / ys[i] / 0.01)));
      worst = Math.max(worst, Math.abs(v - ideal));
    });
    expect(worst).toBeLessThanOrEqual(1);
    expect(() => run([1], [0])).toThrow(/division by zero/);
  });

  it('uint8 with zero points and RELU', () => {
    const r = runKernel(div, {
      op: 'DIV',
      options: { fusedActivationFunction: 1 },
      inputs: [
        {
          dtype: 'uint8',
          shape: [3],
          data: [138, 118, 148],
          quant: { scale: [0.5], zeroPoint: [128], axis: 0 },
        },
        { dtype: 'uint8', shape: [1], data: [132], quant: { scale: [0.25], zeroPoint: [128], axis: 0 } },
      ],
      outputs: [{ dtype: 'uint8', shape: [], quant: { scale: [0.05], zeroPoint: [10], axis: 0 } }],
    });
    // reals 5, -5, 10 divided by 1.0: 5 -> 110, -5 -> RELU clamps at zp 10, 10 -> 210
    expect(Array.from(r.outputs[0].data as Uint8Array)).toEqual([110, 10, 210]);
  });
});
