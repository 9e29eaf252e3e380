/**
 * Issue 16: the default registry's 8-bit SOFTMAX (prepareSoftmax8Fast, simd-kernels.ts) equals
 * the reference kernel bit for bit on random rows: int8 -> int8, uint8 -> uint8 and
 * int8 -> int16, depths 1-300, input scales and betas over two decades, flat and peaked rows.
 */
import { describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../../test/support/kernel-runner';
import { kernel as softmaxReference } from '../softmax';
import { highMulDivNonNeg } from '../common/softmax-quant';
import { rdbpot, srdhm } from '../../../quant/math';
import { softmaxFast } from './simd-kernels';

let seed = 271;
const int = (lo: number, hi: number) => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return lo + Math.floor((seed / 4294967296) * (hi - lo + 1));
};

const OUT = {
  int8: { dtype: 'int8' as const, quant: quantParams(1 / 256, -128) },
  uint8: { dtype: 'uint8' as const, quant: quantParams(1 / 256, 0) },
  int16: { dtype: 'int16' as const, quant: quantParams(1 / 65536, -32768) },
};

/** Number of random cases (of n) whose outputs differ from the reference's. */
function cases(n: number): number {
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const [inType, outType] = (
      [
        ['int8', 'int8'],
        ['uint8', 'uint8'],
        ['int8', 'int16'],
      ] as const
    )[k % 3];
    const outer = int(1, 3);
    const depth = k % 7 === 0 ? int(100, 300) : int(1, 20);
    const [lo, hi] = inType === 'int8' ? [-128, 127] : [0, 255];
    // Peaked rows (one large logit) and flat ones (a narrow range) as well as uniform noise.
    const spread = [hi - lo, 8, 1][k % 3];
    const base = int(lo, hi - spread);
    const data = Array.from({ length: outer * depth }, () => base + int(0, spread));
    const spec = {
      op: 'SOFTMAX' as const,
      options: { beta: [1, 0.5, 2, 0.1][k % 4] },
      inputs: [
        {
          dtype: inType,
          shape: [outer, depth],
          data,
          quant: quantParams(0.01 * 2 ** (int(0, 60) / 10), inType === 'int8' ? 0 : 128),
        },
      ],
      outputs: [{ ...OUT[outType], shape: [outer, depth] }],
    };
    const want = runKernel(softmaxReference, spec).outputs[0].data as Int8Array;
    const got = runKernel(softmaxFast, spec).outputs[0].data as Int8Array;
    if (got.length !== want.length || got.some((v, i) => v !== want[i])) bad++;
  }
  return bad;
}

describe('SOFTMAX 8-bit fast path (default registry)', () => {
  it('highMulDivNonNeg equals rdbpot(srdhm(a, b), e) on 200,000 random and boundary operands', () => {
    const edges = [0, 1, 2, 32767, 32768, 65535, 65536, 1073741823, 1073741824, 2147483646, 2147483647];
    let bad = 0;
    for (let k = 0; k < 200000; k++) {
      const a = k < 121 ? edges[k % 11] : int(0, 2147483647);
      const b = k < 121 ? edges[Math.floor(k / 11)] : k % 3 ? int(0, 2147483647) : int(0, 65535);
      const e = int(1, 31);
      if (highMulDivNonNeg(a, b, e) !== rdbpot(srdhm(a, b), e)) bad++;
    }
    expect(bad).toBe(0);
  });

  it('equals the reference kernel bit for bit on 300 random cases', () => {
    expect(cases(300)).toBe(0);
  });
});
