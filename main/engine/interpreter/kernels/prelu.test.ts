import { describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import { kernel } from './prelu';

const q = quantParams;

describe('PRELU', () => {
  it('float32 with per-channel alpha broadcast over [1,2,2,3]', () => {
    const r = runKernel(kernel, {
      op: 'PRELU',
      inputs: [
        { dtype: 'float32', shape: [1, 2, 2, 3], data: [0, 0, 0, 1, 1, 1, -1, -1, -1, -2, -2, -2] },
        { dtype: 'float32', shape: [1, 1, 3], data: [0, 1, 2] },
      ],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    expect(r.outputs[0].shape).toEqual([1, 2, 2, 3]);
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([
      0, 0, 0, 1, 1, 1, -0, -1, -2, -0, -2, -4,
    ]);
  });

  it('int8: positive side by in/out ratio, negative side by in*alpha/out (hand-computed)', () => {
    // in scale 0.5 zp -1; alpha scale 0.25 zp 0; out scale 0.25 zp 3
    // q_in=9 -> v=10 -> 10*2 = 20 -> 23; q_in=-5 (alpha[1] = -4) -> v=-4 -> (-4*-4)*0.5 = 8 -> 11
    const r = runKernel(kernel, {
      op: 'PRELU',
      inputs: [
        { dtype: 'int8', shape: [2, 2], data: [9, -5, -1, -128], quant: q(0.5, -1) },
        { dtype: 'int8', shape: [2], data: [2, -4], quant: q(0.25, 0) },
      ],
      outputs: [{ dtype: 'int8', shape: [], quant: q(0.25, 3) }],
    });
    // -1 -> v=0 -> 3; -128 -> v=-127, alpha -4 -> 508*0.5 = 254 -> 257 saturates 127
    expect(Array.from(r.outputs[0].data as ArrayLike<number>)).toEqual([23, 11, 3, 127]);
  });

  it('rejects non-broadcastable alpha', () => {
    expect(() =>
      runKernel(kernel, {
        op: 'PRELU',
        inputs: [
          { dtype: 'float32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
          { dtype: 'float32', shape: [2], data: [1, 2] },
        ],
        outputs: [{ dtype: 'float32', shape: [] }],
      }),
    ).toThrow(/broadcast/);
  });
});

// TFLite's PReluInt8 / PRelu (uint8) tests: inputs {0, 0.5, -1, -0.25} per row and alphas
// {0, 0.5, -0.5} quantized over [-1, 127/128] (scale 1/128; zero point 0 for int8, 128 for uint8).
describe('PRELU TFLite goldens', () => {
  const run = (dtype: 'int8' | 'uint8', zp: number) => {
    const quant = { scale: [1 / 128], zeroPoint: [zp], axis: 0 };
    const x = [0, 0, 0, 64, 64, 64, -128, -128, -128, -32, -32, -32].map((v) => v + zp);
    return Array.from(
      runKernel(kernel, {
        op: 'PRELU',
        inputs: [
          { dtype, shape: [1, 2, 2, 3], data: x, quant },
          { dtype, shape: [1, 1, 3], data: [0, 64, -64].map((v) => v + zp), quant },
        ],
        outputs: [{ dtype, shape: [], quant }],
      }).outputs[0].data as ArrayLike<number>,
    );
  };
  it('int8', () => expect(run('int8', 0)).toEqual([0, 0, 0, 64, 64, 64, 0, -64, 64, 0, -16, 16]));
  it('uint8', () =>
    expect(run('uint8', 128)).toEqual([128, 128, 128, 192, 192, 192, 128, 64, 192, 128, 112, 144]));
});
