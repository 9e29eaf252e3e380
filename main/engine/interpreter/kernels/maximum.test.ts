import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { kernel as maximum } from './maximum';
import { kernel as minimum } from './minimum';
import { kernel as argMax } from './arg_max';

describe('MAXIMUM / MINIMUM', () => {
  const inputs = [
    { dtype: 'float32' as const, shape: [2, 3], data: [1, -2, 3, -4, 5, -6] },
    { dtype: 'float32' as const, shape: [3], data: [0, 0, 4] },
  ];
  it('broadcast float32', () => {
    const mx = runKernel(maximum, { op: 'MAXIMUM', inputs, outputs: [{ dtype: 'float32', shape: [] }] })
      .outputs[0];
    expect(mx.shape).toEqual([2, 3]);
    expect(Array.from(mx.data as Float32Array)).toEqual([1, 0, 4, 0, 5, 4]);
    const mn = runKernel(minimum, { op: 'MINIMUM', inputs, outputs: [{ dtype: 'float32', shape: [] }] })
      .outputs[0];
    expect(Array.from(mn.data as Float32Array)).toEqual([0, -2, 3, -4, 0, -6]);
  });
  it('int8 compares codes; refuses mismatched quantization', () => {
    const q = { scale: [0.5], zeroPoint: [1], axis: 0 };
    const r = runKernel(maximum, {
      op: 'MAXIMUM',
      inputs: [
        { dtype: 'int8', shape: [3], data: [-128, 5, 127], quant: q },
        { dtype: 'int8', shape: [1], data: [4], quant: q },
      ],
      outputs: [{ dtype: 'int8', shape: [], quant: q }],
    });
    expect(Array.from(r.outputs[0].data as Int8Array)).toEqual([4, 5, 127]);
    expect(() =>
      runKernel(maximum, {
        op: 'MAXIMUM',
        inputs: [
          { dtype: 'int8', shape: [1], data: [1], quant: q },
          { dtype: 'int8', shape: [1], data: [1], quant: { scale: [0.25], zeroPoint: [1], axis: 0 } },
        ],
        outputs: [{ dtype: 'int8', shape: [], quant: q }],
      }),
    ).toThrow(/quantization/);
  });
});

describe('ARG_MAX', () => {
  it('axis 1 with ties resolving to the first index, int32 and int64 outputs', () => {
    const spec = (outDtype: 'int32' | 'int64') => ({
      op: 'ARG_MAX' as const,
      inputs: [
        { dtype: 'float32' as const, shape: [2, 4], data: [1, 9, 9, 0, -5, -7, -1, -1] },
        { dtype: 'int32' as const, shape: [1], data: [1] },
      ],
      outputs: [{ dtype: outDtype, shape: [] }],
    });
    const r = runKernel(argMax, spec('int32')).outputs[0];
    expect(r.shape).toEqual([2]);
    expect(Array.from(r.data as Int32Array)).toEqual([1, 2]);
    expect(Array.from(runKernel(argMax, spec('int64')).outputs[0].data as BigInt64Array)).toEqual([1n, 2n]);
  });
  it('axis 0 on int8', () => {
    const r = runKernel(argMax, {
      op: 'ARG_MAX',
      inputs: [
        { dtype: 'int8', shape: [3, 2], data: [-128, 5, 7, 5, 3, 6] },
        { dtype: 'int32', shape: [1], data: [0] },
      ],
      outputs: [{ dtype: 'int32', shape: [] }],
    });
    expect(Array.from(r.outputs[0].data as Int32Array)).toEqual([1, 2]);
  });
});
