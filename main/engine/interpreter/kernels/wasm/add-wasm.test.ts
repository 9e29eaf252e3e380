/**
 * Issue 16: the default registry's 8-bit ADD (addSimd: the reference's table looked up in
 * WebAssembly) equals the reference kernel bit for bit on random same-shape inputs (int8 and
 * uint8, random scales, zero points and fused activations, element counts not multiples of 4);
 * deliberately broken builds of add_lut fail the same comparison.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { brokenConvModule } from '../../../../../test/support/conv-wasm';
import { quantParams, runKernel } from '../../../../../test/support/kernel-runner';
import { kernel as addReference } from '../add';
import { setConvModuleForTest, simdAvailable } from './conv-module';
import { addSimd } from './simd-kernels';

let seed = 1618;
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
    const shape = [1, int(1, 7), int(1, 9), int(1, 11)];
    const count = shape.reduce((p, d) => p * d, 1);
    const zp = () => int(lo, hi);
    const scale = () => 0.01 * 2 ** (int(0, 40) / 10);
    const spec = {
      op: 'ADD' as const,
      options: { fusedActivationFunction: [0, 1, 3][k % 3] },
      inputs: [
        {
          dtype,
          shape,
          data: Array.from({ length: count }, () => int(lo, hi)),
          quant: quantParams(scale(), zp()),
        },
        {
          dtype,
          shape,
          data: Array.from({ length: count }, () => int(lo, hi)),
          quant: quantParams(scale(), zp()),
        },
      ],
      outputs: [{ dtype, shape, quant: quantParams(scale() * 2, zp()) }],
    };
    const want = runKernel(addReference, spec).outputs[0].data as Int8Array;
    const got = runKernel(addSimd, spec).outputs[0].data as Int8Array;
    if (got.length !== want.length || got.some((v, i) => v !== want[i])) bad++;
  }
  return bad;
}

describe.runIf(simdAvailable())('ADD 8-bit through add_lut (issue 16)', () => {
  afterEach(() => setConvModuleForTest(null));

  it('equals the reference kernel bit for bit on 200 random cases', () => {
    expect(cases(200)).toBe(0);
  });

  it('an add_lut that leaves the first int8 element of each four unflipped fails the comparison', async () => {
    setConvModuleForTest(await brokenConvModule('(i32.const 0x01010101)', '(i32.const 0x01010100)'));
    expect(cases(40)).toBeGreaterThan(15);
  });

  it('an add_lut that pairs the fourth x with the third y fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(i32.shr_u (local.get $b) (i32.const 24))',
        '(i32.and (i32.shr_u (local.get $b) (i32.const 16)) (i32.const 0xff))',
      ),
    );
    expect(cases(40)).toBeGreaterThan(15);
  });
});
