/**
 * Issue 16: the default registry's MEAN (meanSimd: spatial sums of int8/uint8 in WebAssembly,
 * the reference's arithmetic after) equals the reference kernel bit for bit on random 4-D inputs
 * reduced over {1, 2} (keep_dims or not, equal or different quantization, 1-40 channels, 1-2
 * batches); a deliberately broken chansum_8 fails the comparison.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { brokenConvModule } from '../../../../../test/support/conv-wasm';
import { quantParams, runKernel } from '../../../../../test/support/kernel-runner';
import { kernel as meanReference } from '../mean';
import { setConvModuleForTest, simdAvailable } from './conv-module';
import { meanSimd } from './simd-kernels';

let seed = 4142;
const int = (lo: number, hi: number) => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return lo + Math.floor((seed / 4294967296) * (hi - lo + 1));
};

/** Number of random cases (of n) whose outputs differ from the reference's. */
function cases(n: number): number {
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const dtype = k % 2 ? ('uint8' as const) : ('int8' as const);
    const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
    const shape = [int(1, 2), int(1, 9), int(1, 9), int(1, 40)];
    const count = shape.reduce((p, d) => p * d, 1);
    const inQuant = quantParams(0.05, int(lo, hi));
    const outQuant = k % 3 === 0 ? inQuant : quantParams(0.02 + int(0, 10) / 100, int(lo, hi));
    const spec = {
      op: 'MEAN' as const,
      options: { keepDims: k % 4 !== 3 },
      inputs: [
        { dtype, shape, data: Array.from({ length: count }, () => int(lo, hi)), quant: inQuant },
        { dtype: 'int32' as const, shape: [2], data: k % 2 ? [1, 2] : [2, 1], isConst: true },
      ],
      outputs: [{ dtype, shape: [], quant: outQuant }],
    };
    const want = runKernel(meanReference, spec).outputs[0].data as Int8Array;
    const got = runKernel(meanSimd, spec).outputs[0].data as Int8Array;
    if (got.length !== want.length || got.some((v, i) => v !== want[i])) bad++;
  }
  return bad;
}

describe.runIf(simdAvailable())('MEAN over the spatial axes, int8 and uint8 (issue 16)', () => {
  afterEach(() => setConvModuleForTest(null));

  it('equals the reference kernel bit for bit on 200 random cases', () => {
    expect(cases(200)).toBe(0);
  });

  it('a chansum_8 that sums the first pixel over and over fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(local.set $q (i32.add (local.get $q) (local.get $cb)))',
        '(local.set $q (i32.add (local.get $q) (i32.const 0)))',
      ),
    );
    expect(cases(60)).toBeGreaterThan(30);
  });
});
