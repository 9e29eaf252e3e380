import { describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../test/support/kernel-runner';
import { kernel } from './svdf';

const q = quantParams;

// batch 1, input 2, filters 2, rank 1 (2 units), memory 2; weights_feature = identity, so each
// filter's newest state column is one input value.
describe('SVDF', () => {
  it('float32: state shifts, time weights and bias (hand-computed over two steps), RELU', () => {
    const run = runKernel(kernel, {
      op: 'SVDF',
      options: { rank: 1, fusedActivationFunction: 1 },
      inputs: [
        { dtype: 'float32', shape: [1, 2], data: [1, 2] },
        { dtype: 'float32', shape: [2, 2], data: [1, 0, 0, 1] },
        { dtype: 'float32', shape: [2, 2], data: [1, 1, 0.5, 0] },
        { dtype: 'float32', shape: [2], data: [0.5, -1] },
        { dtype: 'float32', shape: [1, 4], data: [0, 0, 0, 0], isVariable: true, isConst: false },
      ],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    // step 1: state [0,1 | 0,2]: unit0 = 0.5 + 1 = 1.5, unit1 = relu(-1 + 0) = 0
    expect(run.outputs[0].shape).toEqual([1, 2]);
    expect(Array.from(run.outputs[0].data as Float32Array)).toEqual([1.5, 0]);
  });

  it('float32 second step sees the shifted state', () => {
    const spec = {
      op: 'SVDF' as const,
      options: { rank: 1, fusedActivationFunction: 0 },
      inputs: [
        { dtype: 'float32' as const, shape: [1, 2], data: [3, 4] },
        { dtype: 'float32' as const, shape: [2, 2], data: [1, 0, 0, 1] },
        { dtype: 'float32' as const, shape: [2, 2], data: [1, 1, 0.5, 0] },
        { dtype: 'float32' as const, shape: [2], data: [0.5, -1] },
        // state after step 1 with input [1, 2]
        { dtype: 'float32' as const, shape: [1, 4], data: [0, 1, 0, 2], isVariable: true, isConst: false },
      ],
      outputs: [{ dtype: 'float32' as const, shape: [] }],
    };
    // shift [0,1,0,2] -> [1,0,2,2], newest columns -> [1,3,2,4]: unit0 = 0.5 + 1 + 3, unit1 = -1 + 0.5*2
    const r = runKernel(kernel, spec);
    expect(Array.from(r.outputs[0].data as Float32Array)).toEqual([4.5, 0]);
    // a further invoke continues from the updated state [1,3,2,4] -> [3,3,4,4]: 0.5 + 6, -1 + 2
    expect(Array.from(r.invoke()[0].data as Float32Array)).toEqual([6.5, 1]);
  });

  it('int8 with int16 state: zero points, requantization and saturation', () => {
    const r = runKernel(kernel, {
      op: 'SVDF',
      options: { rank: 1, fusedActivationFunction: 0 },
      inputs: [
        { dtype: 'int8', shape: [1, 2], data: [2, 3], quant: q(1, 1) }, // real [1, 2]
        { dtype: 'int8', shape: [2, 2], data: [1, 0, 0, 1], quant: q(1, 0) },
        { dtype: 'int16', shape: [2, 2], data: [1, 1, 2, 0], quant: q(1, 0) },
        { dtype: 'int32', shape: [2], data: [1, -3], quant: q(1, 0) },
        {
          dtype: 'int16',
          shape: [1, 4],
          data: [0, 0, 0, 0],
          quant: q(1, 0),
          isVariable: true,
          isConst: false,
        },
      ],
      outputs: [{ dtype: 'int8', shape: [], quant: q(1, 2) }],
    });
    // state [0,1 | 0,2]: acc0 = 1 + 1 = 2, acc1 = -3 + 0 -> + zp 2 -> [4, -1]
    expect(Array.from(r.outputs[0].data as Int8Array)).toEqual([4, -1]);
    // next (same input): state [1,1 | 2,2]: acc0 = 1 + 2 = 3, acc1 = -3 + 4 = 1 -> [5, 3]
    expect(Array.from(r.invoke()[0].data as Int8Array)).toEqual([5, 3]);
  });

  it('int8 output rescale by 0.5 uses the reference rounding (ties: +2.5 -> 3, -1.5 -> -1)', () => {
    const r = runKernel(kernel, {
      op: 'SVDF',
      options: { rank: 2 },
      inputs: [
        { dtype: 'int8', shape: [1, 1], data: [5], quant: q(1, 0) },
        { dtype: 'int8', shape: [2, 1], data: [1, -1], quant: q(1, 0) },
        { dtype: 'int16', shape: [2, 1], data: [1, 2], quant: q(1, 0) },
        { dtype: 'int32', shape: [1], data: [2], quant: q(1, 0) },
        { dtype: 'int16', shape: [1, 2], data: [0, 0], quant: q(1, 0), isVariable: true, isConst: false },
      ],
      outputs: [{ dtype: 'int8', shape: [], quant: q(2, 0) }],
    });
    // memory 1: filters hold [5, -5]; unit = 2 + 5*1 + (-5)*2 = -3 -> * 0.5 = -1.5 -> -1
    expect(r.outputs[0].shape).toEqual([1, 1]);
    expect(Array.from(r.outputs[0].data as Int8Array)).toEqual([-1]);
  });

  it('refuses a rank that does not divide the filters and hybrid weights', () => {
    const base = (rank: number, wfDtype: 'float32' | 'int8') => () =>
      runKernel(kernel, {
        op: 'SVDF',
        options: { rank },
        inputs: [
          { dtype: 'float32', shape: [1, 1], data: [1] },
          { dtype: wfDtype, shape: [2, 1], data: [1, 1], quant: q(1, 0) },
          { dtype: 'float32', shape: [2, 1], data: [1, 1] },
          null,
          { dtype: 'float32', shape: [1, 2], data: [0, 0], isVariable: true, isConst: false },
        ],
        outputs: [{ dtype: 'float32', shape: [] }],
      });
    expect(base(3, 'float32')).toThrow(/rank 3/);
    expect(base(1, 'int8')).toThrow(/hybrid/);
  });
});
