import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import type { Kernel } from '../types';
import { kernel as exp } from './exp';
import { kernel as rsqrt } from './rsqrt';
import { kernel as sqrt } from './sqrt';

const run = (
  kernel: Kernel,
  op: 'SQRT' | 'RSQRT' | 'EXP',
  data: number[],
  dtype: 'float32' | 'int8' = 'float32',
) =>
  Array.from(
    runKernel(kernel, {
      op,
      inputs: [{ dtype, shape: [data.length], data }],
      outputs: [{ dtype, shape: [] }],
    }).outputs[0].data as Float32Array,
  );

// Expected values: numpy's float32 sqrt and 1/sqrt of the same inputs; for EXP, e and 1/e rounded
// to float32 (numpy's float32 exp is one ulp off at 1; TFLite computes std::exp in float).
describe('float32 unary kernels', () => {
  it('SQRT', () =>
    expect(run(sqrt, 'SQRT', [0, 2, 9, 1e-8])).toEqual([0, 1.4142135381698608, 3, 9.999999747378752e-5]));
  it('RSQRT', () => expect(run(rsqrt, 'RSQRT', [4, 2])).toEqual([0.5, 0.7071067690849304]));
  it('EXP', () =>
    expect(run(exp, 'EXP', [0, 1, -1])).toEqual([
      1,
      Math.fround(2.718281828459045),
      Math.fround(0.36787944117144233),
    ]));
  it('refuses quantized input', () => expect(() => run(sqrt, 'SQRT', [1], 'int8')).toThrow(/float32 only/));
});
